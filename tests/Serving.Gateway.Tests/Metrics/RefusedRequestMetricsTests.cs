using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Serving.Gateway.Grpc.Protocol;
using Serving.Gateway.Tests.Hosting;

namespace Serving.Gateway.Tests.Metrics;

/// <summary>
/// serving_requests_total counts every answered request, whatever stage refused it: a malformed body, a body
/// over Kestrel's limit (413, outcome too_large), a message gRPC itself refused, as well as what the data plane ran.
/// </summary>
public sealed class RefusedRequestMetricsTests : IAsyncLifetime
{
    private const int Limit = 4096;
    private const string MlflowColumns = "sepal length (cm),sepal width (cm),petal length (cm),petal width (cm)";
    private readonly SampleRegistry _registry = new("iris");
    private GatewayHost _host = null!;
    private HttpClient _rest = null!;
    private GrpcChannel _channel = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await new GatewayHost(_registry.Path, new Dictionary<string, string?>
        {
            ["Kestrel:Limits:MaxRequestBodySize"] = Limit.ToString(CultureInfo.InvariantCulture),
            ["Serving:DefaultModel"] = "iris",
        }).StartAsync();
        _rest = _host.CreateRestClient();
        _channel = GrpcChannel.ForAddress(_host.GrpcUri);
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        _rest.Dispose();
        await _host.DisposeAsync();
        _registry.Dispose();
    }

    private static string Series(string model, string version, string protocol, string outcome) =>
        $$"""serving_requests_total{model="{{model}}",version="{{version}}",protocol="{{protocol}}",outcome="{{outcome}}"}""";

    private async Task<double> CountAsync(string series)
    {
        var text = await _rest.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
        return text.Split('\n').Where(l => l.StartsWith(series + " ", StringComparison.Ordinal))
            .Select(l => double.Parse(l[(series.Length + 1)..], CultureInfo.InvariantCulture))
            .SingleOrDefault();
    }

    private static string IrisRows(int rows) =>
        $$"""{"inputs":[{"name":"input","shape":[{{rows}},4],"datatype":"FP32","data":[{{string.Join(',', Enumerable.Repeat("5.1,3.5,1.4,0.2", rows))}}]}]}""";

    private Task<HttpResponseMessage> PostAsync(string path, string body, string contentType = "application/json") =>
        _rest.PostAsync(path, new StringContent(body, Encoding.UTF8, contentType), TestContext.Current.CancellationToken);

    [Fact]
    public async Task Malformed_oip_json_is_counted_as_a_bad_request()
    {
        var series = Series("iris", "none", "rest", "bad_request");
        var before = await CountAsync(series);

        var response = await PostAsync("/v2/models/iris/infer", "{\"inputs\": [");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(before + 1, await CountAsync(series));
    }

    [Fact]
    public async Task An_oip_body_over_the_limit_is_413_and_counted_too_large()
    {
        var series = Series("iris", "none", "rest", "too_large");
        var before = await CountAsync(series);

        var response = await PostAsync("/v2/models/iris/infer", IrisRows(400));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("error").GetString();
        Assert.Contains($"{Limit} bytes", error, StringComparison.Ordinal);
        Assert.Equal(before + 1, await CountAsync(series));
    }

    [Fact]
    public async Task Malformed_mlflow_json_is_counted_as_a_bad_request_of_the_routed_version()
    {
        var series = Series("iris", "1", "mlflow", "bad_request");
        var before = await CountAsync(series);

        var response = await PostAsync("/invocations", "{\"dataframe_records\": [");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(before + 1, await CountAsync(series));
    }

    [Fact]
    public async Task An_mlflow_body_over_the_limit_is_413_resource_exhausted_and_counted_too_large()
    {
        var series = Series("iris", "1", "mlflow", "too_large");
        var before = await CountAsync(series);

        var response = await PostAsync("/invocations", MlflowColumns + "\n" + string.Join('\n', Enumerable.Repeat("5.1,3.5,1.4,0.2", 400)), "text/csv");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal("RESOURCE_EXHAUSTED", body.GetProperty("error_code").GetString());
        Assert.Equal(before + 1, await CountAsync(series));
    }

    [Fact]
    public async Task A_grpc_message_over_the_limit_is_resource_exhausted_and_counted_too_large()
    {
        var series = Series("_unknown", "none", "grpc", "too_large");
        var before = await CountAsync(series);
        var request = new ModelInferRequest
        {
            ModelName = "iris",
            Inputs = { new ModelInferRequest.Types.InferInputTensor { Name = "input", Datatype = "FP32", Shape = { 400, 4 } } },
            RawInputContents = { ByteString.CopyFrom(new byte[400 * 4 * 4]) },
        };

        var error = await Assert.ThrowsAsync<RpcException>(() => Client().ModelInferAsync(request, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Equal(before + 1, await CountAsync(series));
    }

    [Fact]
    public async Task A_grpc_request_that_does_not_decode_is_counted_as_a_bad_request()
    {
        var series = Series("iris", "none", "grpc", "bad_request");
        var before = await CountAsync(series);
        var request = new ModelInferRequest
        {
            ModelName = "iris",
            Inputs = { new ModelInferRequest.Types.InferInputTensor { Name = "input", Datatype = "FP33", Shape = { 1, 4 } } },
        };

        var error = await Assert.ThrowsAsync<RpcException>(() => Client().ModelInferAsync(request, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(before + 1, await CountAsync(series));
    }

    [Fact]
    public async Task Bytes_that_are_not_protobuf_are_invalid_argument_and_counted_as_a_bad_request()
    {
        var series = Series("_unknown", "none", "grpc", "bad_request");
        var before = await CountAsync(series);
        using var http = new HttpClient();

        // One gRPC frame (not compressed, 3 bytes) holding a truncated varint: no message parses from it.
        using var content = new ByteArrayContent([0, 0, 0, 0, 3, 0xFF, 0xFF, 0xFF]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        using var call = new HttpRequestMessage(HttpMethod.Post, new Uri(_host.GrpcUri, "/inference.GRPCInferenceService/ModelInfer"))
        {
            Content = content,
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        call.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));

        using var response = await http.SendAsync(call, TestContext.Current.CancellationToken);
        await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);

        var status = response.Headers.TryGetValues("grpc-status", out var values) ? values.Single() : response.TrailingHeaders.GetValues("grpc-status").Single();
        Assert.Equal("3", status);
        Assert.Equal(before + 1, await CountAsync(series));
    }

    [Fact]
    public async Task What_the_data_plane_ran_is_counted_once()
    {
        var series = Series("iris", "1", "rest", "bad_request");
        var before = await CountAsync(series);

        var response = await PostAsync("/v2/models/iris/infer", """{"inputs":[{"name":"input","shape":[1,3],"datatype":"FP32","data":[1,2,3]}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(before + 1, await CountAsync(series));
    }

    private GRPCInferenceService.GRPCInferenceServiceClient Client() => new(_channel);
}
