using Serving.Core.Routing;

namespace Serving.Core.Tests.Routing;

/// <summary>Stands in for the rollout controller: records the rollouts the auto-canary policy asks for.</summary>
internal sealed class RecordingRolloutStarter : IRolloutStarter
{
    public List<(string Model, int Canary, string Actor)> Started { get; } = [];

    public void StartRollout(string model, int canary, string actor) => Started.Add((model, canary, actor));
}
