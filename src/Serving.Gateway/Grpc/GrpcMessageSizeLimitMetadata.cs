using Microsoft.AspNetCore.Http.Metadata;

namespace Serving.Gateway.Grpc;

/// <summary>
/// Lifts Kestrel's body limit on gRPC endpoints. gRPC enforces the same number itself (see
/// <see cref="GrpcMessageSizeSetup"/>) from the message's length prefix, before reading it, and answers
/// RESOURCE_EXHAUSTED; Kestrel's own limit would instead fail the read mid-body and the client would see UNKNOWN.
/// </summary>
internal sealed class GrpcMessageSizeLimitMetadata : IRequestSizeLimitMetadata
{
    public static readonly GrpcMessageSizeLimitMetadata Instance = new();

    public long? MaxRequestBodySize => null;
}
