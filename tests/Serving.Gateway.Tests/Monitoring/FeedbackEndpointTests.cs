using System.Text;
using System.Text.Json;

namespace Serving.Gateway.Tests.Monitoring;

/// <summary><c>POST /monitoring/feedback</c> and the report endpoint through the real gateway: what callers get back.</summary>
public sealed class FeedbackEndpointTests(PerformanceGatewayFixture gateway) : IClassFixture<PerformanceGatewayFixture>
{
    [Fact]
    public async Task Malformed_json_is_a_400()
    {
        var (status, body) = await gateway.PostFeedbackAsync("""{"id": "x", "label": """);

        Assert.Equal(400, status);
        Assert.Contains("malformed JSON", body.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_id_is_counted_reported_and_held()
    {
        var (status, body) = await gateway.PostFeedbackAsync("""{"id": "no-such-prediction", "label": 1}""");

        Assert.Equal(200, status);
        Assert.Equal((0, 1, 1, 0), Counts(body));
        Assert.Contains("no-such-prediction", body.GetProperty("errors")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_label_of_the_wrong_type_is_counted_and_reported()
    {
        var (id, _) = await gateway.PredictBreastCancerAsync(3);
        var (other, _) = await gateway.PredictBreastCancerAsync(4);

        var (status, body) = await gateway.PostFeedbackAsync($$$"""[{"id": "{{{id}}}", "label": "tuesday"}, {"id": "{{{other}}}", "label": {"a": 1}}, {"label": 1}]""");

        Assert.Equal(200, status);
        Assert.Equal((0, 0, 1, 2), Counts(body));
        Assert.Equal(3, body.GetProperty("errors").GetArrayLength());
    }

    [Fact]
    public async Task Feedback_before_its_prediction_joins_when_the_caller_sends_that_id()
    {
        var (_, early) = await gateway.PostFeedbackAsync("""{"id": "caller-chosen-7", "label": "virginica"}""");
        var infer = """{"id": "caller-chosen-7", "inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[6.3,3.3,6.0,2.5]}]}""";
        using var response = await gateway.Rest.PostAsync("/v2/models/iris/infer", new StringContent(infer, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();

        var current = await EventuallyAsync(async () =>
        {
            // The monitor takes predictions in off the request path: until it has, the model has no versions yet.
            var versions = (await gateway.GetPerformanceAsync("iris")).Body.GetProperty("versions");
            return versions.GetArrayLength() == 0 ? default : versions[0].GetProperty("current");
        });

        Assert.Equal(1, early.GetProperty("pending").GetInt32());
        Assert.Equal(1, current.GetProperty("labels").GetInt32());
        Assert.Equal(1.0, current.GetProperty("metrics").GetProperty("accuracy").GetDouble());
    }

    [Fact]
    public async Task A_regression_model_reports_mae_rmse_and_r2()
    {
        var body = """{"inputs":[{"name":"input","shape":[1,10],"datatype":"FP32","data":[59,2,32.1,101.0,157,93.2,38.0,4.0,4.8598,87]}]}""";
        using var response = await gateway.Rest.PostAsync("/v2/models/diabetes/infer", new StringContent(body, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        var id = response.Headers.GetValues("X-Prediction-Id").Single();
        var predicted = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("outputs")[0].GetProperty("data")[0].GetDouble();

        var (_, feedback) = await gateway.PostFeedbackAsync($$"""{"id": "{{id}}", "label": 151}""");
        var (_, report) = await gateway.GetPerformanceAsync("diabetes");

        var metrics = report.GetProperty("versions")[0].GetProperty("current").GetProperty("metrics");
        Assert.Equal(1, feedback.GetProperty("accepted").GetInt32());
        Assert.Equal(Math.Abs(151 - predicted), metrics.GetProperty("mae").GetDouble(), 4);
        Assert.Equal(JsonValueKind.Null, metrics.GetProperty("r2").ValueKind);
    }

    [Fact]
    public async Task The_report_of_an_unknown_model_is_a_404()
    {
        var (status, _) = await gateway.GetPerformanceAsync("no-such-model");

        Assert.Equal(404, status);
    }

    private static (int, int, int, int) Counts(JsonElement body) => (
        body.GetProperty("accepted").GetInt32(),
        body.GetProperty("pending").GetInt32(),
        body.GetProperty("unknownIds").GetInt32(),
        body.GetProperty("invalidLabels").GetInt32());

    private static async Task<JsonElement> EventuallyAsync(Func<Task<JsonElement>> probe)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var value = await probe();
            if ((value.ValueKind == JsonValueKind.Object && value.GetProperty("labels").GetInt32() > 0) || DateTime.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }
}
