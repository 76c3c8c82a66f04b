using System.Runtime.InteropServices;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Serving.Gateway.Grpc.Protocol;
using Serving.Gateway.Tests.Hosting;

namespace Serving.Gateway.Tests.Grpc;

/// <summary>OIP gRPC through a real Grpc.Net.Client over HTTP/2 against the real gateway and sample models.</summary>
public sealed class GatewayGrpcTests(SampleGatewayFixture gateway) : IClassFixture<SampleGatewayFixture>, IDisposable
{
    private readonly GrpcChannel _channel = GrpcChannel.ForAddress(gateway.Host.GrpcUri);

    private GRPCInferenceService.GRPCInferenceServiceClient Client => new(_channel);

    public void Dispose() => _channel.Dispose();

    private static ModelInferRequest TypedRequest(params int[] rows)
    {
        var input = new ModelInferRequest.Types.InferInputTensor { Name = "input", Datatype = "FP32", Shape = { rows.Length, 30 }, Contents = new InferTensorContents() };
        foreach (var row in rows)
        {
            input.Contents.Fp32Contents.AddRange(BreastCancerRows.Row(row));
        }

        return new ModelInferRequest { ModelName = "breast-cancer", Id = "g1", Inputs = { input } };
    }

    private static ModelInferRequest RawRequest(params int[] rows)
    {
        var values = rows.SelectMany(BreastCancerRows.Row).ToArray();
        return new ModelInferRequest
        {
            ModelName = "breast-cancer",
            Inputs = { new ModelInferRequest.Types.InferInputTensor { Name = "input", Datatype = "FP32", Shape = { rows.Length, 30 } } },
            RawInputContents = { ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan())) },
        };
    }

    [Fact]
    public async Task Typed_and_raw_requests_get_the_same_answers_as_rest()
    {
        var rows = new[] { 0, 1, 2, 50, 300 };
        var typed = await Client.ModelInferAsync(TypedRequest(rows), cancellationToken: TestContext.Current.CancellationToken);
        var raw = await Client.ModelInferAsync(RawRequest(rows), cancellationToken: TestContext.Current.CancellationToken);
        var rest = await gateway.Rest.PostAsync(
            "/v2/models/breast-cancer/infer",
            new StringContent($$"""{"inputs":[{"name":"input","shape":[5,30],"datatype":"FP32","data":[{{string.Join(',', rows.Select(BreastCancerRows.Json))}}]}]}"""),
            TestContext.Current.CancellationToken);
        var restBody = System.Text.Json.JsonDocument.Parse(await rest.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;

        Assert.Equal("g1", typed.Id);
        Assert.Equal("2", typed.ModelVersion);
        var restLabels = restBody.GetProperty("outputs")[0].GetProperty("data").EnumerateArray().Select(v => v.GetInt64()).ToArray();
        var restProbabilities = restBody.GetProperty("outputs")[1].GetProperty("data").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        Assert.Equal(restLabels, typed.Outputs[0].Contents.Int64Contents);
        Assert.Equal(restProbabilities, typed.Outputs[1].Contents.Fp32Contents);

        Assert.Equal(2, raw.RawOutputContents.Count);
        Assert.Equal(restLabels, MemoryMarshal.Cast<byte, long>(raw.RawOutputContents[0].Span).ToArray());
        Assert.Equal(restProbabilities, MemoryMarshal.Cast<byte, float>(raw.RawOutputContents[1].Span).ToArray());
        Assert.Equal([5L, 1L], raw.Outputs[1].Shape);
    }

    [Fact]
    public async Task A_pinned_version_serves_over_grpc()
    {
        var request = TypedRequest(0);
        request.ModelVersion = "1";

        var response = await Client.ModelInferAsync(request, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("1", response.ModelVersion);
    }

    [Fact]
    public async Task Metadata_and_readiness_describe_the_sample_models()
    {
        var metadata = await Client.ModelMetadataAsync(new ModelMetadataRequest { Name = "iris" }, cancellationToken: TestContext.Current.CancellationToken);
        var ready = await Client.ModelReadyAsync(new ModelReadyRequest { Name = "diabetes" }, cancellationToken: TestContext.Current.CancellationToken);
        var server = await Client.ServerReadyAsync(new ServerReadyRequest(), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(["input"], metadata.Inputs.Select(i => i.Name));
        Assert.Equal([-1L, 4L], metadata.Inputs[0].Shape);
        Assert.Equal(["label", "probability"], metadata.Outputs.Select(o => o.Name));
        Assert.True(ready.Ready);
        Assert.True(server.Ready);
    }

    [Fact]
    public async Task Errors_use_the_right_status_codes_and_the_gateway_keeps_serving()
    {
        var unknown = TypedRequest(0);
        unknown.ModelName = "nope";
        var wrongShape = TypedRequest(0);
        wrongShape.Inputs[0].Shape[1] = 29;
        var nan = TypedRequest(0);
        nan.Inputs[0].Contents.Fp32Contents[4] = float.NaN;

        var notFound = await Assert.ThrowsAsync<RpcException>(() => Client.ModelInferAsync(unknown, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync);
        var badShape = await Assert.ThrowsAsync<RpcException>(() => Client.ModelInferAsync(wrongShape, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync);
        var badValue = await Assert.ThrowsAsync<RpcException>(() => Client.ModelInferAsync(nan, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, notFound.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, badShape.StatusCode);
        Assert.Contains("input 'input'", badShape.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.InvalidArgument, badValue.StatusCode);
        Assert.Contains("non-finite value", badValue.Status.Detail, StringComparison.Ordinal);
        var after = await Client.ModelInferAsync(TypedRequest(0), cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(2, after.Outputs.Count);
    }

    [Theory]
    [InlineData("model name")]
    [InlineData("model version")]
    [InlineData("input name")]
    [InlineData("output name")]
    [InlineData("datatype")]
    public async Task A_two_megabyte_name_the_data_plane_echoes_gets_a_short_status_and_the_channel_keeps_serving(string where)
    {
        // Whatever the data plane's message quotes, the status message stays far under a client's trailer limit;
        // an unbounded one would hang this call and the next one on the channel until their deadlines.
        var huge = new string('q', 2 * 1024 * 1024);
        var request = TypedRequest(0);
        switch (where)
        {
            case "model name": request.ModelName = huge; break;
            case "model version": request.ModelVersion = huge; break;
            case "input name": request.Inputs[0].Name = huge; break;
            case "output name": request.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = huge }); break;
            default: request.Inputs[0].Datatype = huge; break;
        }

        var error = await Assert.ThrowsAsync<RpcException>(() => Client.ModelInferAsync(
            request, deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: TestContext.Current.CancellationToken).ResponseAsync);

        Assert.True(error.StatusCode is StatusCode.InvalidArgument or StatusCode.NotFound, $"{where}: {error.StatusCode}");
        Assert.InRange(error.Status.Detail.Length, 1, 1100);
        var after = await Client.ModelInferAsync(TypedRequest(0), deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(2, after.Outputs.Count);
    }
}
