using Serving.Core.Contracts;
using Serving.Gateway.Metrics;

namespace Serving.Gateway.Rest.Http;

/// <summary>
/// Counts requests a transport answered before they reached the data plane (malformed body, body over the
/// limit, unknown model...), so <c>serving_requests_total</c> sees every answered request. The data plane
/// counts the rest itself; a transport calls this only for failures it raised, so nothing counts twice.
/// </summary>
internal static class RefusedRequests
{
    /// <summary>Counts one refusal; <paramref name="version"/> is the version routing chose, or null before routing.</summary>
    public static void Count(IServiceProvider services, string? model, string? version, string protocol, InferenceErrorKind kind) =>
        // Absent only in hosts built without metrics (some tests).
        services.GetService<RequestMetrics>()?.CountRefused(model, version, protocol, kind);
}
