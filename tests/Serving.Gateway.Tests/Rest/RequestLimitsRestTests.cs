using System.Net;
using System.Text;
using System.Text.Json;
using Serving.Gateway.Tests.Hosting;

namespace Serving.Gateway.Tests.Rest;

/// <summary>
/// <c>Serving:Limits:MaxRowsPerRequest</c> set on the real host: a request one row past it is a 400 in the protocol's
/// own format naming the key, on OIP REST and on <c>/invocations</c>; a request at the limit runs. The same for
/// <c>MaxIdLength</c> (a request id and a feedback id) and <c>MaxNameLength</c> (model, input and output names), and
/// <c>MaxTensorElements</c> as <c>/invocations</c> reads the body.
/// </summary>
public sealed class RequestLimitsRestTests : IAsyncLifetime
{
    private const string Row = "[5.1,3.5,1.4,0.2]";
    private readonly SampleRegistry _registry = new("iris");
    private GatewayHost _host = null!;
    private HttpClient _client = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await new GatewayHost(_registry.Path, new Dictionary<string, string?>
        {
            ["Serving:DefaultModel"] = "iris",
            ["Serving:Limits:MaxRowsPerRequest"] = "2",
            ["Serving:Limits:MaxTensorElements"] = "40",
            ["Serving:Limits:MaxIdLength"] = "8",
            ["Serving:Limits:MaxNameLength"] = "16",
        }).StartAsync();
        _client = _host.CreateRestClient();
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
        _registry.Dispose();
    }

    private static string Rows(int count) => string.Join(',', Enumerable.Repeat(Row, count));

    private static string Oip(int rows) =>
        $$"""{"inputs":[{"name":"input","shape":[{{rows}},4],"datatype":"FP32","data":[{{Rows(rows)}}]}]}""";

    private static string Invocations(int rows) => $$"""{"instances":[{{Rows(rows)}}]}""";

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await _client.PostAsync(path, content, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    [Fact]
    public async Task Oip_rest_past_the_row_limit_is_400_naming_the_key()
    {
        var (status, body) = await PostAsync("/v2/models/iris/infer", Oip(3));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("input 'input' has 3 rows; at most 2 are allowed (Serving:Limits:MaxRowsPerRequest)", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_refused_request_is_logged_with_its_error_but_not_the_values_it_sent()
    {
        // A wrong datatype: refused before the model runs, so nothing of what it sent is a prediction (a body of this
        // kind can decode to a tensor of the body limit's size, which the log must not copy).
        var (status, _) = await PostAsync("/v2/models/iris/infer", """{"id":"r1","inputs":[{"name":"input","shape":[2,4],"datatype":"FP64","data":[1,2,3,4,5,6,7,8]}]}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);

        var line = await _host.LogLineAsync("iris", "r1");

        Assert.Equal("BadRequest", line.GetProperty("error").GetString());
        Assert.Equal("{}", line.GetProperty("inputs").GetRawText());
        Assert.True(line.GetRawText().Length < 400, $"the refused request's line should be small: {line.GetRawText().Length} characters");
    }

    [Fact]
    public async Task Invocations_past_the_row_limit_is_400_naming_the_key()
    {
        var (status, body) = await PostAsync("/invocations", Invocations(3));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(body.TryGetProperty("error_code", out _), body.ToString());
        Assert.Contains("has 3 rows; at most 2 are allowed (Serving:Limits:MaxRowsPerRequest)", body.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Requests_at_the_row_limit_run()
    {
        var (oip, oipBody) = await PostAsync("/v2/models/iris/infer", Oip(2));
        var (invocations, invocationsBody) = await PostAsync("/invocations", Invocations(2));

        Assert.Equal(HttpStatusCode.OK, oip);
        Assert.Equal(2, oipBody.GetProperty("outputs")[0].GetProperty("shape")[0].GetInt32());
        Assert.Equal(HttpStatusCode.OK, invocations);
        Assert.Equal(2, invocationsBody.GetProperty("predictions").GetArrayLength());
    }

    [Fact]
    public async Task Invocations_past_the_element_limit_are_refused_while_the_body_is_read()
    {
        // Empty records are a few bytes a row, each row the model's every feature: the table is refused while it is
        // read, before its memory is taken, rather than built for the data plane to refuse.
        var records = string.Join(',', Enumerable.Repeat("{}", 11));

        var (status, body) = await PostAsync("/invocations", $$"""{"dataframe_records":[{{records}}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("BAD_REQUEST", body.GetProperty("error_code").GetString());
        Assert.Equal(
            "input 'input' holds more than 40 elements; at most 40 are allowed (Serving:Limits:MaxTensorElements)",
            body.GetProperty("message").GetString());
    }

    private static string OipWithId(string id) =>
        $$"""{"id":"{{id}}","inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[{{Row}}]}]}""";

    [Fact]
    public async Task A_request_id_past_the_configured_length_is_400_naming_the_key_and_one_at_it_runs()
    {
        var (refused, refusedBody) = await PostAsync("/v2/models/iris/infer", OipWithId("abcdefghi"));
        var (accepted, _) = await PostAsync("/v2/models/iris/infer", OipWithId("abcdefgh"));

        Assert.Equal(HttpStatusCode.BadRequest, refused);
        Assert.Contains("1 to 8 visible ASCII characters", refusedBody.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("Serving:Limits:MaxIdLength", refusedBody.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, accepted);
    }

    [Fact]
    public async Task A_feedback_id_past_the_configured_length_is_400_naming_the_key()
    {
        var (status, body) = await PostAsync("/monitoring/feedback", """{"id": "abcdefghi", "label": 1}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("Serving:Limits:MaxIdLength", body.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_model_name_past_the_configured_length_is_400_naming_the_key_while_a_short_unknown_one_is_404()
    {
        var (tooLong, tooLongBody) = await PostAsync($"/v2/models/{new string('x', 17)}/infer", Oip(1));
        var (unknown, _) = await PostAsync($"/v2/models/{new string('x', 16)}/infer", Oip(1));

        Assert.Equal(HttpStatusCode.BadRequest, tooLong);
        Assert.Equal(
            $"model name '{new string('x', 17)}' is 17 characters; names are at most 16 (Serving:Limits:MaxNameLength)",
            tooLongBody.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.NotFound, unknown);
    }

    [Fact]
    public async Task An_output_name_past_the_configured_length_is_400_naming_the_key()
    {
        var body = $$"""{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[{{Row}}]}],"outputs":[{"name":"{{new string('o', 17)}}"}]}""";

        var (status, error) = await PostAsync("/v2/models/iris/infer", body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("output name", error.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("(Serving:Limits:MaxNameLength)", error.GetProperty("error").GetString(), StringComparison.Ordinal);
    }
}
