using Serving.Core.Rollouts;
using Serving.Core.Routing;

namespace Serving.Gateway.Tests.Rest.Admin;

/// <summary>Stands in for the rollout controller: keeps one status per model and records who did what.</summary>
public sealed class FakeRolloutController : IRolloutController
{
    private readonly Dictionary<string, RolloutStatus> _rollouts = new(StringComparer.Ordinal);

    public List<string> Calls { get; } = [];

    public RolloutStatus? Get(string model)
    {
        lock (_rollouts)
        {
            return _rollouts.GetValueOrDefault(model);
        }
    }

    public RolloutStatus Start(string model, RolloutRequest request, string actor)
    {
        var steps = request.Steps ?? [5, 10, 25, 50];
        return Record(model, $"start {request.Canary} by {actor}", new RolloutStatus
        {
            Model = model,
            Stable = 1,
            Canary = request.Canary,
            Steps = steps,
            Weight = steps[0],
            State = "running",
            FailureLimit = 2,
            IntervalSeconds = request.IntervalSeconds ?? 60,
            Decisions = [new RolloutDecision { Outcome = "started", Weight = steps[0] }],
        });
    }

    public RolloutStatus Pause(string model, string actor) => Change(model, "paused", actor);

    public RolloutStatus Resume(string model, string actor) => Change(model, "running", actor);

    public RolloutStatus Abort(string model, string actor) => Change(model, "aborted", actor);

    public void StartRollout(string model, int canary, string actor) => Start(model, new RolloutRequest { Canary = canary }, actor);

    /// <summary>Sets a model's status directly, as the real controller would after its own decisions.</summary>
    public void Set(RolloutStatus status)
    {
        lock (_rollouts)
        {
            _rollouts[status.Model] = status;
        }
    }

    private RolloutStatus Change(string model, string state, string actor)
    {
        var current = Get(model) is { State: "running" or "paused" or "waiting" } status
            ? status
            : Get(model) is null
                ? throw new DeploymentException(DeploymentErrorKind.NotFound, RolloutMessages.NoRollout(model))
                : throw new DeploymentException(DeploymentErrorKind.Conflict, $"the rollout of model '{model}' already ended");
        return Record(model, $"{state} by {actor}", current with { State = state });
    }

    private RolloutStatus Record(string model, string call, RolloutStatus status)
    {
        lock (_rollouts)
        {
            Calls.Add(call);
            _rollouts[model] = status;
            return status;
        }
    }
}
