using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Serving.Gateway.Grpc;

/// <summary>
/// Applies Kestrel's request body limit (<c>Kestrel:Limits:MaxRequestBodySize</c>) to gRPC messages, so one
/// setting bounds REST and gRPC alike and an oversized message ends with RESOURCE_EXHAUSTED.
/// </summary>
internal sealed class GrpcMessageSizeSetup(IOptions<KestrelServerOptions> kestrel) : IConfigureOptions<GrpcServiceOptions>
{
    public void Configure(GrpcServiceOptions options)
    {
        var limit = kestrel.Value.Limits.MaxRequestBodySize;

        // gRPC counts int bytes; a larger or absent body limit means no message limit either.
        options.MaxReceiveMessageSize = limit is { } bytes && bytes <= int.MaxValue ? (int)bytes : null;
    }
}
