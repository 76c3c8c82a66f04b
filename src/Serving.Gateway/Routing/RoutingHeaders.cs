using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Serving.Gateway.Routing;

/// <summary>
/// The request headers that steer routing, read in one place for every transport so that they mean the same
/// everywhere: <c>X-Model-Version</c> pins a version, <c>X-Routing-Key</c> keeps one caller on one version while the
/// weights hold. REST (OIP and MLflow <c>/invocations</c>) reads them from HTTP headers, gRPC from call metadata
/// (the same names; metadata keys are lower case). Only the first value counts, and an empty one is no value.
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

    // gRPC metadata keys are lower case on the wire.
    private const string ModelVersionKey = "x-model-version";
    private const string RoutingKeyKey = "x-routing-key";

    /// <summary>Reads HTTP request headers (REST OIP and MLflow).</summary>
    public static RoutingHeaders Read(IHeaderDictionary headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return new(First(headers[ModelVersionHeader]), First(headers[RoutingKeyHeader]));
    }

    /// <summary>Reads gRPC request metadata.</summary>
    public static RoutingHeaders Read(Metadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return new(Value(metadata.GetValue(ModelVersionKey)), Value(metadata.GetValue(RoutingKeyKey)));
    }

    // Indexing StringValues directly: going through LINQ would box it on every request.
    private static string? First(StringValues values) => values.Count == 0 ? null : Value(values[0]);

    private static string? Value(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
