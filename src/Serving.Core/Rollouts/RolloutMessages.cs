using Serving.Core.Contracts;

namespace Serving.Core.Rollouts;

/// <summary>Answers every rollout endpoint gives in the same words.</summary>
public static class RolloutMessages
{
    /// <summary>
    /// The model exists but has never had a rollout (since its state was saved): GET, pause, resume and abort all
    /// answer 404 with this, so a caller needs one check, not one per endpoint.
    /// </summary>
    public static string NoRollout(string model) => $"model '{CallerText.Cut(model)}' has no rollout";
}
