using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Serving.Core.Rollouts;
using Serving.Tests.Shared;

namespace Serving.Gateway.Tests.Monitoring;

/// <summary>
/// Through the real gateway: breast-cancer rows are predicted, their true labels posted back by the returned ids, and
/// the report and /metrics show what the model really got right on those rows.
/// </summary>
public sealed class PerformanceEndToEndTests(PerformanceGatewayFixture gateway) : IClassFixture<PerformanceGatewayFixture>
{
    private const int Rows = 120;

    private static readonly SemaphoreSlim Once = new(1, 1);
    private static (string Id, int Predicted)[]? s_predictions;

    // Every test here reads the same traffic: send it once per run of this class.
    private async Task<(string Id, int Predicted)[]> TrafficAsync()
    {
        await Once.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            if (s_predictions is null)
            {
                var predictions = new (string, int)[Rows];
                for (var row = 0; row < Rows; row++)
                {
                    predictions[row] = await gateway.PredictBreastCancerAsync(row);
                }

                var feedback = string.Join(',', predictions.Select((p, row) => $$"""{"id":"{{p.Item1}}","label":{{PerformanceGatewayFixture.BreastCancerTargets[row]}}}"""));
                var (status, body) = await gateway.PostFeedbackAsync("[" + feedback + "]");
                Assert.Equal(200, status);
                Assert.Equal(Rows, body.GetProperty("accepted").GetInt32());
                s_predictions = predictions;
            }

            return s_predictions;
        }
        finally
        {
            Once.Release();
        }
    }

    [Fact]
    public async Task The_reported_accuracy_is_what_the_model_got_on_the_labelled_rows()
    {
        var predictions = await TrafficAsync();

        var (status, report) = await gateway.GetPerformanceAsync("breast-cancer");

        // 120 rows in windows of 50: two closed windows, the report shows the second (rows 50-99), 20 rows still open.
        Assert.Equal(200, status);
        var version = Assert.Single(report.GetProperty("versions").EnumerateArray());
        Assert.Equal("2", version.GetProperty("version").GetString());
        Assert.Equal(PerformanceGatewayFixture.WindowRows, version.GetProperty("window").GetProperty("rows").GetInt32());
        Assert.Equal(PerformanceGatewayFixture.WindowRows, version.GetProperty("labels").GetInt32());
        Assert.Equal(1.0, version.GetProperty("labelCoverage").GetDouble());
        Assert.Equal(Accuracy(predictions, 50, 100), version.GetProperty("metrics").GetProperty("accuracy").GetDouble(), 12);
        Assert.Equal(Rows - 100, version.GetProperty("current").GetProperty("rows").GetInt32());
        Assert.Equal(Accuracy(predictions, 100, Rows), version.GetProperty("current").GetProperty("metrics").GetProperty("accuracy").GetDouble(), 12);
    }

    [Fact]
    public async Task The_report_carries_every_classification_metric()
    {
        await TrafficAsync();

        var (_, report) = await gateway.GetPerformanceAsync("breast-cancer");

        var metrics = report.GetProperty("versions")[0].GetProperty("metrics");
        Assert.Equal(["accuracy", "precision", "recall", "f1", "rocAuc", "logLoss"], metrics.EnumerateObject().Select(p => p.Name));
        Assert.All(metrics.EnumerateObject(), p => Assert.Equal(JsonValueKind.Number, p.Value.ValueKind));
        Assert.InRange(metrics.GetProperty("rocAuc").GetDouble(), 0.9, 1.0);
    }

    [Fact]
    public async Task Metrics_show_the_live_accuracy_and_label_coverage_and_pass_promtool()
    {
        var predictions = await TrafficAsync();

        using var response = await gateway.Rest.GetAsync("/metrics", TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(Accuracy(predictions, 50, 100), Value(text, """serving_model_performance{model="breast-cancer",version="2",metric="accuracy"}"""), 9);
        Assert.Equal(1.0, Value(text, """serving_model_label_coverage_ratio{model="breast-cancer",version="2"}"""));
        Assert.True(Value(text, """serving_feedback_labels_total{outcome="accepted"}""") >= Rows);
        await AssertPromtoolCleanAsync(text);
    }

    [Fact]
    public async Task Canary_analysis_reads_live_accuracy_from_the_same_labels()
    {
        var predictions = await TrafficAsync();
        var source = (ILiveAccuracySource)gateway.Host.Services.GetService(typeof(ILiveAccuracySource))!;

        var accuracy = source.Accuracy("breast-cancer", 2, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddMinutes(1));

        Assert.Equal(Accuracy(predictions, 0, Rows), accuracy!.Value, 12);
    }

    private static double Accuracy((string Id, int Predicted)[] predictions, int from, int to) =>
        Enumerable.Range(from, to - from).Count(row => predictions[row].Predicted == PerformanceGatewayFixture.BreastCancerTargets[row]) / (double)(to - from);

    private static double Value(string exposition, string series) =>
        exposition.Split('\n').Where(l => l.StartsWith(series + " ", StringComparison.Ordinal))
            .Select(l => double.Parse(l[(series.Length + 1)..], CultureInfo.InvariantCulture))
            .Single();

    private static async Task AssertPromtoolCleanAsync(string text)
    {
        var promtool = RequiredTool.Find("promtool", "apt-get install prometheus");
        var start = new ProcessStartInfo(promtool, ["check", "metrics"]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(text);
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken)
            + await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(process.ExitCode == 0 && string.IsNullOrWhiteSpace(output), $"promtool check metrics said (exit {process.ExitCode}):\n{output}");
    }
}
