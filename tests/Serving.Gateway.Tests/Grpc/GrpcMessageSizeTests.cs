using Google.Protobuf;
using Grpc.Core;
using Serving.Gateway.Grpc.Protocol;
using static Serving.Gateway.Tests.Grpc.Codecs.GrpcRequests;

namespace Serving.Gateway.Tests.Grpc;

/// <summary>Kestrel's request body limit bounds gRPC messages too.</summary>
public sealed class GrpcMessageSizeTests
{
    [Fact]
    public async Task Message_over_the_body_limit_is_RESOURCE_EXHAUSTED()
    {
        await using var host = await GrpcTestHost.StartAsync(new FakeInferenceService(), maxRequestBodySize: 1024);

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await new GRPCInferenceService.GRPCInferenceServiceClient(host.Channel)
                .ModelInferAsync(EchoRequest(2048), cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Fact]
    public async Task Message_under_the_body_limit_is_served()
    {
        await using var host = await GrpcTestHost.StartAsync(new FakeInferenceService(), maxRequestBodySize: 1024);

        var response = await new GRPCInferenceService.GRPCInferenceServiceClient(host.Channel)
            .ModelInferAsync(EchoRequest(512), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(512, response.RawOutputContents[0].Length);
    }

    private static ModelInferRequest EchoRequest(int bytes)
    {
        var request = Raw([Input("x", "UINT8", [bytes])], new byte[bytes]);
        request.ModelName = "echo";
        return request;
    }
}
