using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Serving.Gateway.Tests.Hosting;

namespace Serving.Gateway.Tests.Rest;

/// <summary>
/// Hostile input on OIP REST and <c>/invocations</c>, against the real host: ids that cannot go in a header, text
/// that is not valid UTF-8 or UTF-16, megabyte names that must not come back in full, and one output asked for
/// many times. Each is a short 400 in the protocol's format, never a 500 nor an answer as large as the request.
/// </summary>
public sealed class HostileRestInputTests : IAsyncLifetime
{
    private const string Data = "\"data\":[5.1,3.5,1.4,0.2]";
    private static readonly string Megabyte = new('n', 1 << 20);
    private readonly SampleRegistry _registry = new("iris");
    private GatewayHost _host = null!;
    private HttpClient _client = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await new GatewayHost(_registry.Path, new Dictionary<string, string?> { ["Serving:DefaultModel"] = "iris" }).StartAsync();
        _client = _host.CreateRestClient();
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
        _registry.Dispose();
    }

    private static string Infer(string id = "", string outputs = "", string name = "input", string datatype = "FP32") =>
        $$"""{{{id}}"inputs":[{"name":{{JsonSerializer.Serialize(name)}},"shape":[1,4],"datatype":{{JsonSerializer.Serialize(datatype)}},{{Data}}}]{{outputs}}}""";

    private Task<HttpResponseMessage> PostAsync(string path, byte[] body, string contentType = "application/json")
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return _client.PostAsync(path, content, TestContext.Current.CancellationToken);
    }

    private Task<HttpResponseMessage> PostAsync(string path, string body, string contentType = "application/json") =>
        PostAsync(path, Encoding.UTF8.GetBytes(body), contentType);

    private static async Task<string> ErrorAsync(HttpResponseMessage response, string member = "error")
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(JsonDocument.Parse(text).RootElement.TryGetProperty(member, out _), text);
        return text;
    }

    private async Task<double> CountAsync(string series)
    {
        var text = await _client.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
        return text.Split('\n').Where(l => l.StartsWith(series + " ", StringComparison.Ordinal))
            .Select(l => double.Parse(l[(series.Length + 1)..], CultureInfo.InvariantCulture))
            .SingleOrDefault();
    }

    [Theory]
    [InlineData("a\u0000b")]
    [InlineData("a\r\nX-Injected: 1")]
    [InlineData("with space")]
    [InlineData("")]
    [InlineData("caf\u00e9")]
    public async Task An_id_that_cannot_go_in_a_header_is_400_before_the_model_runs(string id)
    {
        // Refused by the transport, before routing: the refusal is counted under no version.
        const string series = """serving_requests_total{model="iris",version="none",protocol="rest",outcome="bad_request"}""";
        var before = await CountAsync(series);

        var response = await PostAsync("/v2/models/iris/infer", Infer(id: $"\"id\":{JsonSerializer.Serialize(id)},"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'id'", await ErrorAsync(response), StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("X-Prediction-Id"));
        Assert.Equal(before + 1, await CountAsync(series));
    }

    [Fact]
    public async Task A_megabyte_id_is_refused_with_a_short_answer_and_no_header()
    {
        var response = await PostAsync("/v2/models/iris/infer", Infer(id: $"\"id\":\"{Megabyte}\","));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await ErrorAsync(response)).Length < 1024);
        Assert.False(response.Headers.Contains("X-Prediction-Id"));
    }

    [Fact]
    public async Task An_id_of_128_visible_characters_comes_back_in_the_header()
    {
        var id = "!" + new string('~', 126) + "z";

        var response = await PostAsync("/v2/models/iris/infer", Infer(id: $"\"id\":{JsonSerializer.Serialize(id)},"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(id, response.Headers.GetValues("X-Prediction-Id").Single());
    }

    [Theory]
    [InlineData("""{"inputs":[{"name":"\ud800","shape":[1,4],"datatype":"FP32","data":[5.1,3.5,1.4,0.2]}]}""")]
    [InlineData("""{"id":"\udc00x","inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[5.1,3.5,1.4,0.2]}]}""")]
    [InlineData("""{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[5.1,3.5,1.4,0.2]}],"outputs":[{"name":"\ud83d"}]}""")]
    [InlineData("""{"inputs":[{"name":"input","shape":[1],"datatype":"BYTES","data":["\udfff"]}]}""")]
    public async Task A_lone_surrogate_in_oip_json_is_400(string body)
    {
        var response = await PostAsync("/v2/models/iris/infer", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not valid text", await ErrorAsync(response), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"inputs\":[{\"name\":\"in\xFFput\",\"shape\":[1,4],\"datatype\":\"FP32\",\"data\":[5.1,3.5,1.4,0.2]}]}")]
    [InlineData("{\"inputs\":[{\"name\":\"input\",\"shape\":[1],\"datatype\":\"BYTES\",\"data\":[\"\xC3\x28\"]}]}")]
    public async Task Invalid_utf8_in_oip_json_is_400(string latin1)
    {
        // Each char of the test data is one byte on the wire (\xFF, \xC3\x28 are not UTF-8).
        var response = await PostAsync("/v2/models/iris/infer", Encoding.Latin1.GetBytes(latin1));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await ErrorAsync(response);
    }

    // Data after shape and datatype is read by the FP32 fast path (which makes a new reader past the array); data
    // before them is set aside and read later. Nothing but whitespace may follow the root object on either path.
    private const string DataLast = """{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[5.1,3.5,1.4,0.2]}]}""";
    private const string DataFirst = """{"inputs":[{"name":"input","data":[5.1,3.5,1.4,0.2],"datatype":"FP32","shape":[1,4]}]}""";

    [Theory]
    [InlineData(DataLast + " this is not JSON {{{")]
    [InlineData(DataLast + ",\"id\":\"a b\"}")]
    [InlineData(DataLast + DataLast)]
    [InlineData(DataLast + "\u0000")]
    [InlineData(DataFirst + " x")]
    [InlineData(DataFirst + "}")]
    public async Task Text_after_the_root_object_is_malformed_json(string body)
    {
        var response = await PostAsync("/v2/models/iris/infer", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("malformed JSON: ", await ErrorAsync(response), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DataLast + " \r\n\t ")]
    [InlineData(DataFirst + "\n")]
    public async Task Whitespace_after_the_root_object_is_still_served(string body)
    {
        var response = await PostAsync("/v2/models/iris/infer", body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Text_after_the_json_header_of_a_binary_request_is_malformed_json()
    {
        var content = Oip.BinaryTensorData.Content(
            """{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","parameters":{"binary_data_size":16}}]} x""",
            Oip.BinaryTensorData.Bytes<float>([5.1f, 3.5f, 1.4f, 0.2f]));

        var response = await _client.PostAsync("/v2/models/iris/infer", content, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("malformed JSON: ", await ErrorAsync(response), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"dataframe_split":{"columns":["\ud800"],"data":[[1]]}}""")]
    [InlineData("""{"dataframe_records":[{"\udc00":1}]}""")]
    [InlineData("""{"instances":[{"\ud800":1}]}""")]
    public async Task A_lone_surrogate_on_invocations_is_400_bad_request(string body)
    {
        var response = await PostAsync("/invocations", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("BAD_REQUEST", await ErrorAsync(response, "error_code"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_utf8_in_a_column_name_on_invocations_is_400()
    {
        var response = await PostAsync("/invocations", Encoding.Latin1.GetBytes("{\"dataframe_split\":{\"columns\":[\"\xFF\"],\"data\":[[1]]}}"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await ErrorAsync(response, "error_code");
    }

    public static TheoryData<string> MegabyteNames() => new()
    {
        Infer(name: Megabyte),
        Infer(outputs: $",\"outputs\":[{{\"name\":\"{Megabyte}\"}}]"),
        Infer(datatype: Megabyte),
        $$"""{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[5.1,3.5,1.4,"{{Megabyte}}"]}]}""",
    };

    [Theory]
    [MemberData(nameof(MegabyteNames))]
    public async Task A_megabyte_name_comes_back_cut_in_a_400(string body)
    {
        var response = await PostAsync("/v2/models/iris/infer", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await ErrorAsync(response);
        Assert.True(error.Length < 1024, $"{error.Length} characters");
        Assert.Contains("more characters)", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_megabyte_key_on_invocations_comes_back_cut_in_a_400()
    {
        var response = await PostAsync("/invocations", $"{{\"{Megabyte}\":1}}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await ErrorAsync(response, "error_code");
        Assert.True(error.Length < 1024, $"{error.Length} characters");
    }

    [Theory]
    [InlineData(2)]
    [InlineData(100_000)]
    public async Task An_output_asked_for_more_than_once_is_400(int times)
    {
        var outputs = ",\"outputs\":[" + string.Join(',', Enumerable.Repeat("{\"name\":\"label\"}", times)) + "]";

        var response = await PostAsync("/v2/models/iris/infer", Infer(outputs: outputs));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await ErrorAsync(response);
        Assert.Contains("'label' is asked for twice", error, StringComparison.Ordinal);
        Assert.True(error.Length < 1024);
    }

    [Fact]
    public async Task Distinct_outputs_still_serve()
    {
        var response = await PostAsync("/v2/models/iris/infer", Infer(outputs: ",\"outputs\":[{\"name\":\"probability\"},{\"name\":\"label\"}]"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var outputs = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("outputs");
        Assert.Equal(["probability", "label"], outputs.EnumerateArray().Select(o => o.GetProperty("name").GetString()));
    }
}
