using System.Runtime.InteropServices;
using Google.Protobuf;
using Grpc.Core;
using Serving.Gateway.Grpc.Protocol;
using Serving.Gateway.Tests.Grpc.Codecs;
using Serving.Gateway.Tests.Rest.Admin;
using static Serving.Gateway.Tests.Grpc.Codecs.GrpcRequests;

namespace Serving.Gateway.Tests.Grpc;

/// <summary>ModelInfer through a real gRPC client over HTTP/2 against real Kestrel.</summary>
public sealed class GrpcInferenceServiceInferTests
{
    private readonly FakeInferenceService inference = new();

    [Fact]
    public async Task Typed_request_gets_typed_outputs_from_the_data_plane()
    {
        await using var host = await GrpcTestHost.StartAsync(inference);
        var request = Typed(Input("x", "FP32", [2, 2], new() { Fp32Contents = { 1f, 2f, 3f, 4f } }));
        request.ModelName = "doubler";
        request.Id = "req-1";

        var response = await Client(host).ModelInferAsync(request, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("doubler", response.ModelName);
        Assert.Equal("3", response.ModelVersion);
        Assert.Equal("req-1", response.Id);
        Assert.Equal(["doubled", "total"], response.Outputs.Select(o => o.Name));
        Assert.Equal([2f, 4f, 6f, 8f], response.Outputs[0].Contents.Fp32Contents);
        Assert.Equal([2L, 2L], response.Outputs[0].Shape);
        Assert.Equal([3f, 7f], response.Outputs[1].Contents.Fp32Contents);
        Assert.Empty(response.RawOutputContents);
    }

    [Fact]
    public async Task Raw_request_gets_raw_outputs()
    {
        await using var host = await GrpcTestHost.StartAsync(inference);
        var request = Raw([Input("x", "FP32", [1, 2])], MemoryMarshal.AsBytes<float>([1.5f, -3f]).ToArray());
        request.ModelName = "doubler";

        var response = await Client(host).ModelInferAsync(request, cancellationToken: TestContext.Current.CancellationToken);

        Assert.All(response.Outputs, output => Assert.Null(output.Contents));
        Assert.Equal([3f, -6f], MemoryMarshal.Cast<byte, float>(response.RawOutputContents[0].Span).ToArray());
        Assert.Equal([-1.5f], MemoryMarshal.Cast<byte, float>(response.RawOutputContents[1].Span).ToArray());
    }

    [Fact]
    public async Task Every_datatype_round_trips_raw()
    {
        await using var host = await GrpcTestHost.StartAsync(inference);
        var samples = DatatypeSamples.All;
        var request = Raw(
            [.. samples.Select(s => Input(s.Datatype.ToLowerInvariant(), s.Datatype, s.Shape))],
            [.. samples.Select(s => s.Raw)]);
        request.ModelName = "echo";

        var response = await Client(host).ModelInferAsync(request, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(samples.Select(s => s.Datatype), response.Outputs.Select(o => o.Datatype));
        Assert.Equal(samples.Select(s => s.Raw), response.RawOutputContents.Select(b => b.ToByteArray()));
    }

    [Fact]
    public async Task Every_typed_datatype_round_trips_typed()
    {
        await using var host = await GrpcTestHost.StartAsync(inference);
        var samples = DatatypeSamples.TypedOutputSamples.ToArray();
        var request = Typed([.. samples.Select(s => Input(s.Datatype.ToLowerInvariant(), s.Datatype, s.Shape, s.Typed!.Clone()))]);
        request.ModelName = "echo";

        var response = await Client(host).ModelInferAsync(request, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(samples.Select(s => s.Typed), response.Outputs.Select(o => o.Contents));
        Assert.Equal(samples.Select(s => s.Shape), response.Outputs.Select(o => o.Shape.ToArray()));
    }

    [Fact]
    public async Task Requested_outputs_and_version_reach_the_data_plane()
    {
        await using var host = await GrpcTestHost.StartAsync(inference);
        var request = Typed(Input("x", "FP32", [1, 2], new() { Fp32Contents = { 1f, 2f } }));
        request.ModelName = "doubler";
        request.ModelVersion = "3";
        request.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = "total" });

        var response = await Client(host).ModelInferAsync(request, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(["total"], response.Outputs.Select(o => o.Name));
        Assert.Equal(["total"], inference.LastRequest!.RequestedOutputs);
        Assert.Equal("3", inference.LastRequest.Version);
        Assert.Equal("grpc", inference.LastRequest.Protocol);
    }

    [Fact]
    public async Task Unknown_model_is_NOT_FOUND_with_the_data_planes_message()
    {
        await using var host = await GrpcTestHost.StartAsync(inference);
        var request = Typed(Input("x", "FP32", [1], new() { Fp32Contents = { 1f } }));
        request.ModelName = "nope";

        var error = await Failure(host, request);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Equal("model 'nope' is not known", error.Status.Detail);
    }

    [Fact]
    public async Task Malformed_input_is_INVALID_ARGUMENT_naming_the_input()
    {
        await using var host = await GrpcTestHost.StartAsync(inference);
        var request = Typed(Input("petal_length", "FLOAT32", [1], new() { Fp32Contents = { 1f } }));
        request.ModelName = "doubler";

        var error = await Failure(host, request);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("'petal_length'", error.Status.Detail);
        Assert.Null(inference.LastRequest);
    }

    [Fact]
    public async Task Input_the_data_plane_rejects_is_INVALID_ARGUMENT()
    {
        await using var host = await GrpcTestHost.StartAsync(inference);
        var request = Typed(Input("x", "INT32", [1, 2], new() { IntContents = { 1, 2 } }));
        request.ModelName = "doubler";

        var error = await Failure(host, request);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("input 'x' must be FP32 [-1,2]; got INT32", error.Status.Detail);
    }

    [Theory]
    [InlineData("broken", StatusCode.Unavailable, "model 'broken' has no version that can serve: checksum mismatch")]
    [InlineData("crashing", StatusCode.Internal, "runtime failed: out of memory")]
    [InlineData("huge", StatusCode.ResourceExhausted, "request body is over 32 MiB")]
    public async Task Data_plane_failures_keep_their_kind_and_message(string model, StatusCode expected, string message)
    {
        await using var host = await GrpcTestHost.StartAsync(inference);
        var request = Typed(Input("x", "FP32", [1, 2], new() { Fp32Contents = { 1f, 2f } }));
        request.ModelName = model;

        var error = await Failure(host, request);

        Assert.Equal(expected, error.StatusCode);
        Assert.Equal(message, error.Status.Detail);
    }

    [Fact]
    public async Task A_bug_in_the_data_plane_is_INTERNAL_with_a_short_message_and_logged_once_with_its_stack()
    {
        var logs = new CapturedLogs();
        await using var host = await GrpcTestHost.StartAsync(inference, logs: logs);
        var request = Typed(Input("x", "FP32", [1, 2], new() { Fp32Contents = { 1f, 2f } }));
        request.ModelName = "faulty";

        var error = await Failure(host, request);

        // The exception's text (a megabyte) stays in the log, which has the stack trace to go with it.
        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.DoesNotContain("a bug", error.Status.Detail, StringComparison.Ordinal);
        var logged = Assert.Single(logs.Lines, l => l.Contains(" Error: ", StringComparison.Ordinal));
        Assert.Contains("gRPC /inference.GRPCInferenceService/ModelInfer failed unexpectedly", logged, StringComparison.Ordinal);
        Assert.Contains("   at ", logged, StringComparison.Ordinal);
    }

    private static GRPCInferenceService.GRPCInferenceServiceClient Client(GrpcTestHost host) => new(host.Channel);

    private static Task<RpcException> Failure(GrpcTestHost host, ModelInferRequest request) =>
        Assert.ThrowsAsync<RpcException>(async () =>
            await Client(host).ModelInferAsync(request, cancellationToken: TestContext.Current.CancellationToken));
}
