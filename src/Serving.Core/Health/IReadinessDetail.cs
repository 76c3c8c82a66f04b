namespace Serving.Core.Health;

/// <summary>
/// A part of the server that reports on its own readiness. Each one registered (as a singleton
/// <c>IReadinessDetail</c>) appears in the readiness report, in registration order.
/// </summary>
public interface IReadinessDetail
{
    /// <summary>The part's state now. Called on every readiness probe, so it must be cheap and must not throw.</summary>
    ReadinessDetail Check();
}
