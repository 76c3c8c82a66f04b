using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Serving.Core.Monitoring.Logging;
using Serving.Gateway.Tests.Hosting;

namespace Serving.Gateway.Tests.Rest.Oip;

/// <summary>Triton's binary tensor data extension on the real gateway, over real HTTP, beside the same JSON requests.</summary>
public sealed class OipBinaryEndpointsTests(SampleGatewayFixture gateway) : IClassFixture<SampleGatewayFixture>
{
    private const string Infer = "/v2/models/breast-cancer/infer";
    private const int Rows = 64;

    private readonly HttpClient _rest = gateway.Rest;

    private static float[] Features(int firstRow) => [.. Enumerable.Range(firstRow, Rows).SelectMany(BreastCancerRows.Row)];

    private static string JsonBody(string id, int firstRow, string? parameters = null) =>
        $$"""{"id":"{{id}}",{{parameters}}"inputs":[{"name":"input","shape":[{{Rows}},30],"datatype":"FP32","data":[{{string.Join(',', Enumerable.Range(firstRow, Rows).Select(r => BreastCancerRows.Json(r)[1..^1]))}}]}]}""";

    private static ByteArrayContent BinaryBody(string id, int firstRow, string? parameters = null) =>
        BinaryTensorData.Content(
            $$$"""{"id":"{{{id}}}",{{{parameters}}}"inputs":[{"name":"input","shape":[{{{Rows}}},30],"datatype":"FP32","parameters":{"binary_data_size":{{{Rows * 30 * 4}}}}}]}""",
            BinaryTensorData.Bytes<float>(Features(firstRow)));

    private async Task<(HttpResponseMessage Response, byte[] Body)> PostAsync(HttpContent content)
    {
        var response = await _rest.PostAsync(Infer, content, TestContext.Current.CancellationToken);
        return (response, await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
    }

    private async Task<JsonElement> JsonAnswerAsync(HttpContent content)
    {
        var (response, body) = await PostAsync(content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.False(response.Headers.Contains(BinaryTensorData.Header));
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static float[] Floats(JsonElement output) => [.. output.GetProperty("data").EnumerateArray().Select(v => v.GetSingle())];

    private static long[] Longs(JsonElement output) => [.. output.GetProperty("data").EnumerateArray().Select(v => v.GetInt64())];

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-6, $"element {i}: {expected[i]} vs {actual[i]} (tolerance 1e-6)");
        }
    }

    [Fact]
    public async Task A_binary_request_answers_what_the_same_json_request_answers()
    {
        var json = await JsonAnswerAsync(Json(JsonBody("j-1", 10)));
        var binary = await JsonAnswerAsync(BinaryBody("b-1", 10));

        Assert.Equal("b-1", binary.GetProperty("id").GetString());
        Assert.Equal(Longs(json.GetProperty("outputs")[0]), Longs(binary.GetProperty("outputs")[0]));
        AssertClose(Floats(json.GetProperty("outputs")[1]), Floats(binary.GetProperty("outputs")[1]));
        Assert.Equal(
            json.GetProperty("outputs")[1].GetProperty("shape").GetRawText(),
            binary.GetProperty("outputs")[1].GetProperty("shape").GetRawText());
    }

    [Fact]
    public async Task Binary_outputs_decode_to_the_values_json_gives()
    {
        var json = await JsonAnswerAsync(Json(JsonBody("j-2", 200)));
        var (response, body) = await PostAsync(BinaryBody("b-2", 200, "\"parameters\":{\"binary_data_output\":true},"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("2", response.Headers.GetValues("X-Model-Version").Single());
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
        var (head, outputs) = BinaryTensorData.Split(response, body);
        Assert.Equal("b-2", head.GetProperty("id").GetString());
        Assert.Equal(["label", "probability"], head.GetProperty("outputs").EnumerateArray().Select(o => o.GetProperty("name").GetString()));
        Assert.Equal("INT64", head.GetProperty("outputs")[0].GetProperty("datatype").GetString());
        Assert.Equal(Longs(json.GetProperty("outputs")[0]), MemoryMarshal.Cast<byte, long>(outputs["label"]).ToArray());
        AssertClose(Floats(json.GetProperty("outputs")[1]), MemoryMarshal.Cast<byte, float>(outputs["probability"]).ToArray());
    }

    [Fact]
    public async Task A_json_request_may_ask_for_one_binary_output_and_the_other_stays_json()
    {
        var body = JsonBody("j-3", 300).Replace("]}]}", """]}],"outputs":[{"name":"label"},{"name":"probability","parameters":{"binary_data":true}}]}""", StringComparison.Ordinal);
        var json = await JsonAnswerAsync(Json(JsonBody("j-3a", 300)));

        var (response, bytes) = await PostAsync(Json(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (head, outputs) = BinaryTensorData.Split(response, bytes);
        Assert.Equal(Longs(json.GetProperty("outputs")[0]), Longs(head.GetProperty("outputs")[0]));
        Assert.Equal(["probability"], outputs.Keys);
        AssertClose(Floats(json.GetProperty("outputs")[1]), MemoryMarshal.Cast<byte, float>(outputs["probability"]).ToArray());
    }

    [Fact]
    public async Task Binary_data_output_false_or_absent_gives_exactly_todays_json()
    {
        var plain = await PostAsync(Json(JsonBody("same", 5)));
        var off = await PostAsync(Json(JsonBody("same", 5, "\"parameters\":{\"binary_data_output\":false},")));

        Assert.Equal("application/json", off.Response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Encoding.UTF8.GetString(plain.Body), Encoding.UTF8.GetString(off.Body));
    }

    public static TheoryData<string, string, byte[], string> Malformed => new()
    {
        { "abc", """{"inputs":[{"name":"input","shape":[1,30],"datatype":"FP32","parameters":{"binary_data_size":120}}]}""", new byte[120], "must be the JSON part's length in bytes" },
        { "100000", """{"inputs":[{"name":"input","shape":[1,30],"datatype":"FP32","parameters":{"binary_data_size":120}}]}""", new byte[120], "the whole body is only" },
        { "5", """{"inputs":[{"name":"input","shape":[1,30],"datatype":"FP32","parameters":{"binary_data_size":120}}]}""", new byte[120], "malformed JSON" },
        { string.Empty, """{"inputs":[{"name":"input","shape":[1,30],"datatype":"FP32","parameters":{"binary_data_size":100}}]}""", new byte[100], "= 120 bytes" },
        { string.Empty, """{"inputs":[{"name":"input","shape":[1,30],"datatype":"FP32","parameters":{"binary_data_size":120}}]}""", new byte[60], "only 60 of the 60 bytes" },
        { string.Empty, """{"inputs":[{"name":"input","shape":[1,30],"datatype":"FP32","parameters":{"binary_data_size":120}}]}""", new byte[121], "1 of the 121 bytes after the JSON header belong to no input" },
        { string.Empty, """{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[1,2,3,4],"parameters":{"binary_data_size":16}}]}""", new byte[16], "has both 'data' and parameters.binary_data_size" },
        { string.Empty, """{"inputs":[{"name":"input","shape":[2],"datatype":"BYTES","parameters":{"binary_data_size":9}}]}""", [1, 0, 0, 0, 65, 7, 0, 0, 0], "element 1 declares 7 bytes but only 0 are left" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task A_malformed_binary_request_is_400_in_oip_error_format_and_the_next_request_still_serves(string header, string json, byte[] binary, string expected)
    {
        var content = BinaryTensorData.Content(json, binary);
        if (header.Length > 0)
        {
            content.Headers.Remove(BinaryTensorData.Header);
            content.Headers.TryAddWithoutValidation(BinaryTensorData.Header, header);
        }

        var (response, body) = await PostAsync(content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(expected, JsonDocument.Parse(body).RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
        var next = await JsonAnswerAsync(BinaryBody("after-error", 0));
        Assert.Equal("after-error", next.GetProperty("id").GetString());
    }

    [Fact]
    public async Task The_prediction_log_records_a_binary_request_as_it_records_the_same_json_request()
    {
        var suffix = Guid.NewGuid().ToString("N");
        await JsonAnswerAsync(Json(JsonBody("log-json-" + suffix, 40)));
        await JsonAnswerAsync(BinaryBody("log-binary-" + suffix, 40));
        var logger = (PredictionLogger)gateway.Host.Services.GetService(typeof(PredictionLogger))!;
        await logger.FlushAsync(TimeSpan.FromSeconds(10));

        var lines = Directory.GetFiles(Path.Combine(gateway.Host.PredictionLogPath, "breast-cancer"))
            .SelectMany(File.ReadAllLines)
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Where(l => l.TryGetProperty("id", out var id) && id.GetString()!.EndsWith(suffix, StringComparison.Ordinal))
            .ToDictionary(l => l.GetProperty("id").GetString()!);
        var json = lines["log-json-" + suffix];
        var binary = lines["log-binary-" + suffix];

        Assert.Equal("rest", binary.GetProperty("protocol").GetString());
        Assert.Equal(json.GetProperty("inputs").GetRawText(), binary.GetProperty("inputs").GetRawText());
        Assert.Equal(json.GetProperty("outputs").GetRawText(), binary.GetProperty("outputs").GetRawText());
    }

    [Fact]
    public async Task Server_metadata_lists_the_binary_tensor_data_extension()
    {
        var response = await _rest.GetStringAsync("/v2", TestContext.Current.CancellationToken);

        Assert.Contains("binary_tensor_data", JsonDocument.Parse(response).RootElement.GetProperty("extensions").EnumerateArray().Select(e => e.GetString()));
    }
}
