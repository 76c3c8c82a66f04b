using Serving.Core.Routing;

namespace Serving.Core.Rollouts;

/// <summary>
/// Analysed canary rollouts: steps the canary's weight up, compares it with stable at each step, and promotes
/// or rolls back. Methods throw <see cref="DeploymentException"/> (400, 404 or 409) when they cannot act.
/// </summary>
public interface IRolloutController : IRolloutStarter
{
    /// <summary>The model's current or last rollout; null when it never had one.</summary>
    RolloutStatus? Get(string model);

    RolloutStatus Start(string model, RolloutRequest request, string actor);

    RolloutStatus Pause(string model, string actor);

    RolloutStatus Resume(string model, string actor);

    /// <summary>Stops the rollout and removes the canary; stable stays.</summary>
    RolloutStatus Abort(string model, string actor);
}
