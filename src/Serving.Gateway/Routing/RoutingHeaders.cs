using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Serving.Gateway.Routing;

/// <summary>
/// The request headers that steer routing, read in one place for every transport so that they mean the same
/// everywhere: <c>X-Model-Version</c> pins a version, <c>X-Routing-Key</c> keeps one caller on one version while the
/// weights hold. REST (OIP and MLflow <c>/invocations</c>) reads them from HTTP headers, gRPC from the HTTP/2
/// headers that carry its call metadata (the same names, matched without regard to case). Only the first value
/// counts, and an empty one is no value.
/// A version the transport has from elsewhere (the OIP URL, the gRPC message) wins over the header.
/// </summary>
/// <param name="Version">The pinned version, or null to let the router choose.</param>
/// <param name="RoutingKey">The sticky routing key, or null for a random choice by weight.</param>
public readonly record struct RoutingHeaders(string? Version, string? RoutingKey)
{
    /// <summary>Pins a version; answers name the version that served in the same header.</summary>
    public const string ModelVersionHeader = "X-Model-Version";

    /// <summary>A caller's key for sticky routing: the same key stays on one version while the weights hold.</summary>
    public const string RoutingKeyHeader = "X-Routing-Key";

    /// <summary>Reads HTTP request headers (REST OIP and MLflow, and gRPC's metadata).</summary>
    public static RoutingHeaders Read(IHeaderDictionary headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return new(First(headers[ModelVersionHeader]), First(headers[RoutingKeyHeader]));
    }

    // Indexing StringValues directly: going through LINQ would box it on every request.
    private static string? First(StringValues values) => values.Count == 0 ? null : Value(values[0]);

    private static string? Value(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
