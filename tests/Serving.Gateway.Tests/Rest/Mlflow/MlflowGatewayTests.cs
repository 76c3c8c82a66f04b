using System.Net;
using System.Text;
using System.Text.Json;
using Serving.Gateway.Tests.Hosting;

namespace Serving.Gateway.Tests.Rest.Mlflow;

/// <summary>MLflow's scoring protocol against the real gateway serving the committed breast-cancer model.</summary>
public sealed class MlflowGatewayTests(SampleGatewayFixture gateway) : IClassFixture<SampleGatewayFixture>
{
    private readonly HttpClient _rest = gateway.Rest;

    private static string Columns => string.Join(',', BreastCancerRows.FeatureNames.Select(n => JsonSerializer.Serialize(n)));

    private async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> InvokeAsync(string body, string contentType = "application/json", string? version = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/invocations") { Content = new StringContent(body, Encoding.UTF8, contentType) };
        if (version is not null)
        {
            request.Headers.Add("X-Model-Version", version);
        }

        var response = await _rest.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone(), response);
    }

    [Fact]
    public async Task Dataframe_split_answers_one_object_per_row_like_oip_does()
    {
        var (status, body, response) = await InvokeAsync(
            "{\"dataframe_split\":{\"columns\":[" + Columns + "],\"data\":[" + BreastCancerRows.Json(0) + "," + BreastCancerRows.Json(20) + "]}}");
        var oip = await _rest.PostAsync(
            "/v2/models/breast-cancer/infer",
            new StringContent($$"""{"inputs":[{"name":"input","shape":[2,30],"datatype":"FP32","data":[{{BreastCancerRows.Json(0)}},{{BreastCancerRows.Json(20)}}]}]}"""),
            TestContext.Current.CancellationToken);
        var oipBody = JsonDocument.Parse(await oip.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("2", response.Headers.GetValues("X-Model-Version").Single());
        var predictions = body.GetProperty("predictions");
        Assert.Equal(2, predictions.GetArrayLength());
        for (var row = 0; row < 2; row++)
        {
            Assert.Equal(oipBody.GetProperty("outputs")[0].GetProperty("data")[row].GetInt64(), predictions[row].GetProperty("label").GetInt64());
            Assert.Equal(oipBody.GetProperty("outputs")[1].GetProperty("data")[row].GetSingle(), predictions[row].GetProperty("probability").GetSingle());
        }
    }

    [Fact]
    public async Task Csv_with_the_label_column_still_present_scores_every_row()
    {
        var path = RepositoryPaths.Of("data", "breast-cancer.csv");
        var csv = string.Join('\n', File.ReadLines(path).Take(11));

        var (status, body, _) = await InvokeAsync(csv, "text/csv");

        Assert.Equal(HttpStatusCode.OK, status);
        var labels = body.GetProperty("predictions").EnumerateArray().Select(p => p.GetProperty("label").GetInt64()).ToArray();
        var truth = File.ReadLines(path).Skip(1).Take(10).Select(l => long.Parse(l.Split(',')[^1], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(10, labels.Length);
        Assert.True(labels.Zip(truth).Count(p => p.First == p.Second) >= 9, "the sample model should get nearly all of its own training rows right");
    }

    [Fact]
    public async Task A_missing_column_is_named_in_mlflows_error_format()
    {
        var records = BreastCancerRows.FeatureNames.SkipLast(1).Select((n, i) => $"{JsonSerializer.Serialize(n)}:{BreastCancerRows.Row(0)[i].ToString(System.Globalization.CultureInfo.InvariantCulture)}");

        var (status, body, _) = await InvokeAsync("{\"dataframe_records\":[{" + string.Join(',', records) + "}]}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", body.GetProperty("error_code").GetString());
        Assert.Contains("Model is missing inputs ['worst fractal dimension']", body.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_version_header_pins_a_version()
    {
        var (status, _, response) = await InvokeAsync($$"""{"instances":[{{BreastCancerRows.Json(3)}}]}""", version: "1");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("1", response.Headers.GetValues("X-Model-Version").Single());
    }

    [Fact]
    public async Task Malformed_json_is_a_bad_request_and_ping_still_answers()
    {
        var (status, body, _) = await InvokeAsync("""{"dataframe_split": {""");
        var ping = await _rest.GetAsync("/ping", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("BAD_REQUEST", body.GetProperty("error_code").GetString());
        Assert.Equal(HttpStatusCode.OK, ping.StatusCode);
    }

    [Fact]
    public async Task An_unsupported_content_type_is_415()
    {
        using var content = new StringContent("x", Encoding.UTF8, "application/xml");

        var response = await _rest.PostAsync("/invocations", content, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }
}
