namespace Serving.Core.Routing;

/// <summary>Starts an analysed canary rollout; the auto-canary policy calls it when a version is published.</summary>
public interface IRolloutStarter
{
    /// <summary>Starts rolling <paramref name="canary"/> out against the model's stable version.</summary>
    void StartRollout(string model, int canary, string actor);
}
