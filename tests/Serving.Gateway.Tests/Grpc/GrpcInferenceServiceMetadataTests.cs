using Grpc.Core;
using Serving.Gateway.Grpc.Protocol;

namespace Serving.Gateway.Tests.Grpc;

/// <summary>Health and metadata RPCs through a real gRPC client over HTTP/2 against real Kestrel.</summary>
public sealed class GrpcInferenceServiceMetadataTests
{
    private readonly FakeInferenceService inference = new();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ServerLive_is_true_while_the_server_answers()
    {
        await using var host = await GrpcTestHost.StartAsync(inference);

        Assert.True((await Client(host).ServerLiveAsync(new ServerLiveRequest(), cancellationToken: Cancel)).Live);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ServerReady_follows_the_data_plane(bool ready)
    {
        inference.IsServerReady = ready;
        await using var host = await GrpcTestHost.StartAsync(inference);

        Assert.Equal(ready, (await Client(host).ServerReadyAsync(new ServerReadyRequest(), cancellationToken: Cancel)).Ready);
    }

    [Fact]
    public async Task ServerMetadata_gives_name_version_and_extensions()
    {
        await using var host = await GrpcTestHost.StartAsync(inference);

        var metadata = await Client(host).ServerMetadataAsync(new ServerMetadataRequest(), cancellationToken: Cancel);

        Assert.Equal("fake-gateway", metadata.Name);
        Assert.Equal("0.1.0", metadata.Version);
        Assert.Equal(["model_repository"], metadata.Extensions);
    }

    [Fact]
    public async Task ModelMetadata_gives_versions_platform_and_tensors()
    {
        await using var host = await GrpcTestHost.StartAsync(inference);

        var metadata = await Client(host).ModelMetadataAsync(new ModelMetadataRequest { Name = "doubler" }, cancellationToken: Cancel);

        Assert.Equal("doubler", metadata.Name);
        Assert.Equal(["3"], metadata.Versions);
        Assert.Equal("onnx_onnxv1", metadata.Platform);
        var input = Assert.Single(metadata.Inputs);
        Assert.Equal(("x", "FP32"), (input.Name, input.Datatype));
        Assert.Equal([-1L, 2L], input.Shape);
        Assert.Equal(["doubled", "total"], metadata.Outputs.Select(o => o.Name));
    }

    [Fact]
    public async Task ModelMetadata_of_an_unknown_model_is_NOT_FOUND()
    {
        await using var host = await GrpcTestHost.StartAsync(inference);

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await Client(host).ModelMetadataAsync(new ModelMetadataRequest { Name = "nope" }, cancellationToken: Cancel));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Equal("model 'nope' is not known", error.Status.Detail);
    }

    [Theory]
    [InlineData("doubler", true)]
    [InlineData("broken", false)]
    public async Task ModelReady_follows_the_data_plane(string model, bool ready)
    {
        await using var host = await GrpcTestHost.StartAsync(inference);

        var response = await Client(host).ModelReadyAsync(new ModelReadyRequest { Name = model }, cancellationToken: Cancel);

        Assert.Equal(ready, response.Ready);
    }

    [Fact]
    public async Task ModelReady_of_an_unknown_version_is_NOT_FOUND()
    {
        await using var host = await GrpcTestHost.StartAsync(inference);

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await Client(host).ModelReadyAsync(new ModelReadyRequest { Name = "doubler", Version = "9" }, cancellationToken: Cancel));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Equal("model 'doubler' has no version '9'", error.Status.Detail);
    }

    [Fact]
    public async Task ModelReady_without_a_name_is_INVALID_ARGUMENT()
    {
        await using var host = await GrpcTestHost.StartAsync(inference);

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await Client(host).ModelReadyAsync(new ModelReadyRequest(), cancellationToken: Cancel));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    private static GRPCInferenceService.GRPCInferenceServiceClient Client(GrpcTestHost host) => new(host.Channel);
}
