using System.Net;
using System.Text;
using Grpc.Core;
using Grpc.Net.Client;
using Serving.Gateway.Grpc.Protocol;
using Serving.Gateway.Tests.Hosting;

namespace Serving.Gateway.Tests.Rest;

/// <summary>
/// An answer names the version routing chose, errors included: X-Model-Version on REST OIP and /invocations,
/// the x-model-version trailer on gRPC. A request that failed before a version was chosen names none.
/// </summary>
public sealed class ErrorAnswerVersionTests : IAsyncLifetime
{
    private const string WrongShape = """{"inputs":[{"name":"input","shape":[1,3],"datatype":"FP32","data":[1,2,3]}]}""";
    private readonly SampleRegistry _registry = new("iris");
    private GatewayHost _host = null!;
    private HttpClient _rest = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await new GatewayHost(_registry.Path, new Dictionary<string, string?> { ["Serving:DefaultModel"] = "iris" }).StartAsync();
        _rest = _host.CreateRestClient();
    }

    public async ValueTask DisposeAsync()
    {
        _rest.Dispose();
        await _host.DisposeAsync();
        _registry.Dispose();
    }

    private Task<HttpResponseMessage> PostAsync(string path, string body, string contentType = "application/json") =>
        _rest.PostAsync(path, new StringContent(body, Encoding.UTF8, contentType), TestContext.Current.CancellationToken);

    private static string? Version(HttpResponseMessage response) =>
        response.Headers.TryGetValues("X-Model-Version", out var values) ? values.Single() : null;

    [Fact]
    public async Task An_oip_error_after_routing_carries_the_version_and_an_unknown_model_does_not()
    {
        var wrongShape = await PostAsync("/v2/models/iris/infer", WrongShape);
        var unknown = await PostAsync("/v2/models/nosuch/infer", WrongShape);

        Assert.Equal((HttpStatusCode.BadRequest, "1"), (wrongShape.StatusCode, Version(wrongShape)));
        Assert.Equal((HttpStatusCode.NotFound, null), (unknown.StatusCode, Version(unknown)));
    }

    [Fact]
    public async Task An_mlflow_error_after_routing_carries_the_version_and_an_unknown_pinned_version_does_not()
    {
        var missingColumn = await PostAsync("/invocations", "sepal length (cm),sepal width (cm)\n1,2", "text/csv");
        using var pinned = new HttpRequestMessage(HttpMethod.Post, "/invocations") { Content = new StringContent("a\n1", Encoding.UTF8, "text/csv") };
        pinned.Headers.Add("X-Model-Version", "9");
        var unknown = await _rest.SendAsync(pinned, TestContext.Current.CancellationToken);

        Assert.Equal((HttpStatusCode.BadRequest, "1"), (missingColumn.StatusCode, Version(missingColumn)));
        Assert.Equal((HttpStatusCode.NotFound, null), (unknown.StatusCode, Version(unknown)));
    }

    [Fact]
    public async Task A_grpc_error_after_routing_carries_the_version_in_its_trailers()
    {
        using var channel = GrpcChannel.ForAddress(_host.GrpcUri);
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
        ModelInferRequest Request(string model) => new()
        {
            ModelName = model,
            Inputs = { new ModelInferRequest.Types.InferInputTensor { Name = "input", Datatype = "FP32", Shape = { 1, 3 }, Contents = new() { Fp32Contents = { 1, 2, 3 } } } },
        };

        var wrongShape = await Assert.ThrowsAsync<RpcException>(() => client.ModelInferAsync(Request("iris"), cancellationToken: TestContext.Current.CancellationToken).ResponseAsync);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => client.ModelInferAsync(Request("nosuch"), cancellationToken: TestContext.Current.CancellationToken).ResponseAsync);

        Assert.Equal((StatusCode.InvalidArgument, "1"), (wrongShape.StatusCode, wrongShape.Trailers.GetValue("x-model-version")));
        Assert.Equal((StatusCode.NotFound, null), (unknown.StatusCode, unknown.Trailers.GetValue("x-model-version")));
    }
}
