using Serving.Core.Rollouts;
using Serving.Core.Routing;

namespace Serving.Cli.Tests.Admin;

/// <summary>
/// Stands in for the rollout controller: each <see cref="Get"/> returns the next status of a scripted rollout
/// (the last one repeats), so a watch can be followed to its end.
/// </summary>
internal sealed class ScriptedRolloutController(params RolloutStatus[] script) : IRolloutController
{
    private int _next;

    public List<string> Calls { get; } = [];

    public RolloutStatus? Get(string model) => script.Length == 0 ? null : script[Math.Min(Interlocked.Increment(ref _next) - 1, script.Length - 1)];

    public RolloutStatus Start(string model, RolloutRequest request, string actor)
    {
        Calls.Add($"start {model} canary {request.Canary} steps {string.Join(',', request.Steps ?? [])} interval {request.IntervalSeconds} by {actor}");
        return script[0];
    }

    public RolloutStatus Pause(string model, string actor) => Act("pause", model, actor);

    public RolloutStatus Resume(string model, string actor) => Act("resume", model, actor);

    public RolloutStatus Abort(string model, string actor) =>
        throw new DeploymentException(DeploymentErrorKind.NotFound, RolloutMessages.NoRollout(model));

    public void StartRollout(string model, int canary, string actor) => Calls.Add($"policy start {model} {canary}");

    private RolloutStatus Act(string action, string model, string actor)
    {
        Calls.Add($"{action} {model} by {actor}");
        return script[0];
    }
}
