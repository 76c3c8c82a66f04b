using System.Net;
using System.Text;
using System.Text.Json;
using Serving.Core.Contracts;
using Serving.Core.Packaging;
using Serving.Core.Runtimes.Onnx;
using Serving.Gateway.Tests.Hosting;

namespace Serving.Gateway.Tests.Rest.Oip;

/// <summary>OIP v2 REST against the real gateway on real Kestrel, serving the committed sample models.</summary>
public sealed class OipEndpointsTests(SampleGatewayFixture gateway) : IClassFixture<SampleGatewayFixture>
{
    private readonly HttpClient _rest = gateway.Rest;

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static string InferBody(int firstRow, int rows, string? extra = null) =>
        $$"""{"id":"req-{{firstRow}}",{{extra}}"inputs":[{"name":"input","shape":[{{rows}},30],"datatype":"FP32","data":[{{string.Join(',', Enumerable.Range(firstRow, rows).Select(BreastCancerRows.Json))}}]}]}""";

    private async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> SendAsync(HttpRequestMessage request)
    {
        var response = await _rest.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone(), response);
    }

    private Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> GetAsync(string path) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, path));

    private Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> PostAsync(string path, string json) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = Json(json) });

    [Theory]
    [InlineData("/v2/models/breast-cancer/infer")]
    [InlineData("/V2/MODELS/breast-cancer/Infer")]
    [InlineData("/v2/models/breast-cancer/infer/")]
    [InlineData("/v2/models/breast-cancer/versions/2/infer")]
    [InlineData("/v2/models/breast-cancer/versions/2/infer/")]
    public async Task Infer_answers_the_same_ahead_of_routing_and_through_it(string path)
    {
        // A trailing slash is left to routing; the others are served ahead of it. Both give the same answer.
        var (status, body, response) = await PostAsync(path, InferBody(0, 2));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("2", response.Headers.GetValues("X-Model-Version").Single());
        Assert.Equal("req-0", body.GetProperty("id").GetString());
        Assert.Equal(2, body.GetProperty("outputs")[0].GetProperty("shape")[0].GetInt32());
    }

    [Fact]
    public async Task Other_methods_on_an_infer_path_still_get_routings_405()
    {
        var response = await _rest.GetAsync("/v2/models/breast-cancer/infer", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Fact]
    public async Task Health_endpoints_answer_with_status_and_body()
    {
        var live = await GetAsync("/v2/health/live");
        var ready = await GetAsync("/v2/health/ready");

        Assert.Equal(HttpStatusCode.OK, live.Status);
        Assert.True(live.Body.GetProperty("live").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, ready.Status);
        Assert.True(ready.Body.GetProperty("ready").GetBoolean());
    }

    [Fact]
    public async Task Server_metadata_names_the_server()
    {
        var (status, body, _) = await GetAsync("/v2");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("serving-gateway", body.GetProperty("name").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("version").GetString()));
        Assert.Equal(JsonValueKind.Array, body.GetProperty("extensions").ValueKind);
    }

    [Fact]
    public async Task Model_metadata_lists_versions_inputs_and_outputs()
    {
        var (status, body, _) = await GetAsync("/v2/models/breast-cancer");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["1", "2"], body.GetProperty("versions").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal("onnx_onnxv1", body.GetProperty("platform").GetString());
        var input = body.GetProperty("inputs")[0];
        Assert.Equal("input", input.GetProperty("name").GetString());
        Assert.Equal("FP32", input.GetProperty("datatype").GetString());
        Assert.Equal([-1, 30], input.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
        Assert.Equal(BreastCancerRows.FeatureNames, input.GetProperty("parameters").GetProperty("features").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(["label", "probability"], body.GetProperty("outputs").EnumerateArray().Select(o => o.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task Ready_endpoints_answer_per_model_and_version()
    {
        var model = await GetAsync("/v2/models/iris/ready");
        var version = await GetAsync("/v2/models/breast-cancer/versions/1/ready");
        var missing = await GetAsync("/v2/models/breast-cancer/versions/9/ready");

        Assert.Equal(HttpStatusCode.OK, model.Status);
        Assert.True(model.Body.GetProperty("ready").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, version.Status);
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.Contains("has no version '9'", missing.Body.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Infer_answers_what_the_onnx_model_itself_answers_for_a_batch()
    {
        const int rows = 40;
        var (status, body, response) = await PostAsync("/v2/models/breast-cancer/infer", InferBody(100, rows));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("2", body.GetProperty("model_version").GetString());
        Assert.Equal("2", response.Headers.GetValues("X-Model-Version").Single());
        Assert.Equal("req-100", body.GetProperty("id").GetString());

        var directory = CommittedSamples.PathOf("breast-cancer", 2);
        var signature = ManifestSerializer.Read(directory).Signature;
        using var runtime = OnnxModelRuntime.Load(Path.Combine(directory, "model.onnx"), new OnnxRuntimeOptions());
        var features = Enumerable.Range(100, rows).SelectMany(BreastCancerRows.Row).ToArray();
        var expected = runtime.Run(
            [Tensor.FromValues(signature.Inputs[0].SourceName, TensorDataType.FP32, [rows, 30], (ReadOnlySpan<float>)features)],
            [.. signature.Outputs.Select(o => o.SourceName)]);
        var outputs = body.GetProperty("outputs");
        var labels = outputs[0].GetProperty("data").EnumerateArray().Select(v => v.GetInt64()).ToArray();
        var probabilities = outputs[1].GetProperty("data").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        Assert.Equal(expected[0].AsSpan<long>().ToArray(), labels);
        Assert.Equal(expected[1].AsSpan<float>().ToArray(), probabilities);
        Assert.Equal([rows, 1], outputs[1].GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
    }

    [Fact]
    public async Task Nested_data_gives_the_same_answer_as_flat_data()
    {
        var nested = $$"""{"inputs":[{"name":"input","shape":[2,30],"datatype":"FP32","data":[{{BreastCancerRows.Json(0)}},{{BreastCancerRows.Json(1)}}]}]}""";
        var flat = $$"""{"inputs":[{"name":"input","shape":[2,30],"datatype":"FP32","data":[{{BreastCancerRows.Json(0)[1..^1]}},{{BreastCancerRows.Json(1)[1..^1]}}]}]}""";

        var a = await PostAsync("/v2/models/breast-cancer/infer", nested);
        var b = await PostAsync("/v2/models/breast-cancer/infer", flat);

        Assert.Equal(HttpStatusCode.OK, a.Status);
        Assert.Equal(b.Body.GetProperty("outputs").GetRawText(), a.Body.GetProperty("outputs").GetRawText());
    }

    [Fact]
    public async Task A_version_in_the_url_pins_the_version()
    {
        var (status, body, response) = await PostAsync("/v2/models/breast-cancer/versions/1/infer", InferBody(0, 1));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("1", body.GetProperty("model_version").GetString());
        Assert.Equal("1", response.Headers.GetValues("X-Model-Version").Single());
    }

    [Fact]
    public async Task Requested_outputs_select_what_comes_back()
    {
        var (status, body, _) = await PostAsync("/v2/models/iris/infer",
            """{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[6.3,3.3,6.0,2.5]}],"outputs":[{"name":"probability"}]}""");

        Assert.Equal(HttpStatusCode.OK, status);
        var output = Assert.Single(body.GetProperty("outputs").EnumerateArray());
        Assert.Equal("probability", output.GetProperty("name").GetString());
        var probabilities = output.GetProperty("data").EnumerateArray().Select(p => p.GetDouble()).ToArray();
        Assert.Equal(3, probabilities.Length);
        Assert.Equal(1.0, probabilities.Sum(), 3);
        Assert.Equal(2, Array.IndexOf(probabilities, probabilities.Max()));
    }

    [Fact]
    public async Task The_mlnet_regression_serves_over_oip()
    {
        var (status, body, _) = await PostAsync("/v2/models/diabetes/infer",
            """{"inputs":[{"name":"input","shape":[1,10],"datatype":"FP32","data":[59,2,32.1,101,157,93.2,38,4,4.8598,87]}]}""");

        Assert.Equal(HttpStatusCode.OK, status);
        var prediction = body.GetProperty("outputs")[0];
        Assert.Equal("prediction", prediction.GetProperty("name").GetString());
        Assert.InRange(prediction.GetProperty("data")[0].GetDouble(), 25, 346);
    }

    [Theory]
    [InlineData("/v2/models/nope/infer", "BODY", HttpStatusCode.NotFound, "model 'nope' not found")]
    [InlineData("/v2/models/breast-cancer/versions/7/infer", "BODY", HttpStatusCode.NotFound, "has no version '7'")]
    [InlineData("/v2/models/breast-cancer/infer", """{"inputs":[{"name":"input","shape":[1,29],"datatype":"FP32","data":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29]}]}""", HttpStatusCode.BadRequest, "has shape [1,29] but the model expects [-1,30]")]
    [InlineData("/v2/models/iris/infer", """{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP64","data":[1,2,3,4]}]}""", HttpStatusCode.BadRequest, "has datatype FP64 but the model expects FP32")]
    [InlineData("/v2/models/iris/infer", """{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[1,"NaN",3,4]}]}""", HttpStatusCode.BadRequest, "non-finite value (NaN or infinity) at element 1")]
    [InlineData("/v2/models/iris/infer", """{"inputs":[{"name":"pixels","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}]}""", HttpStatusCode.BadRequest, "model 'iris' has no input 'pixels'")]
    [InlineData("/v2/models/iris/infer", """{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}],"outputs":[{"name":"nope"}]}""", HttpStatusCode.BadRequest, "model 'iris' has no output 'nope'")]
    [InlineData("/v2/models/iris/infer", """{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[1,2,3,""", HttpStatusCode.BadRequest, "malformed JSON")]
    [InlineData("/v2/models/iris/infer", "", HttpStatusCode.BadRequest, "malformed JSON")]
    [InlineData("/v2/models/iris/infer", """{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[1,2,3,4],"data":[5,6,7,8]}]}""", HttpStatusCode.BadRequest, "input 'input' has 'data' more than once")]
    [InlineData("/v2/models/iris/infer", """{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[1,2,3,true]}]}""", HttpStatusCode.BadRequest, "element 3 is true, which is not a valid FP32 value")]
    public async Task Bad_requests_get_a_clear_error_and_the_gateway_keeps_serving(string path, string json, HttpStatusCode expected, string message)
    {
        var (status, body, _) = await PostAsync(path, json == "BODY" ? InferBody(0, 1) : json);

        Assert.Equal(expected, status);
        Assert.Contains(message, body.GetProperty("error").GetString(), StringComparison.Ordinal);
        var after = await PostAsync("/v2/models/breast-cancer/infer", InferBody(0, 1));
        Assert.Equal(HttpStatusCode.OK, after.Status);
    }

    [Fact]
    public async Task Unknown_model_metadata_is_not_found()
    {
        var (status, body, _) = await GetAsync("/v2/models/nope");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("model 'nope' not found", body.GetProperty("error").GetString());
    }
}
