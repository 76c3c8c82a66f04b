namespace Serving.Core.Health;

/// <summary>
/// One named part of the server's readiness. A <see cref="Required"/> part that is not ready makes the server not
/// ready; an optional one (for example, whether state can be saved) is only reported, since the server still serves.
/// </summary>
/// <param name="Name">Short stable name, such as <c>registry</c>.</param>
/// <param name="Ready">Whether this part works now.</param>
/// <param name="Reason">Why it does not, for an operator; null when ready.</param>
/// <param name="Required">Whether the server is ready only when this part is.</param>
public sealed record ReadinessDetail(string Name, bool Ready, string? Reason = null, bool Required = true);
