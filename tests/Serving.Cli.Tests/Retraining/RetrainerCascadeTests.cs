using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Serving.Cli.Retraining;
using Serving.Core.Contracts;
using Serving.Core.Packaging;

namespace Serving.Cli.Tests.Retraining;

/// <summary>
/// What keeps the loop from cascading (retrained version N+1, still drifting, starting the run that publishes N+2 over
/// its own canary): drift events for a version that is not stable are ignored, a model cools down after a run that
/// published, and the published version's drift baseline is the drifted window's population when it has enough rows.
/// </summary>
public sealed class RetrainerCascadeTests
{
    private static JsonObject Builtin => new() { [RetrainerTestBed.Model] = new JsonObject { ["kind"] = "builtin" } };

    [Fact]
    public async Task A_drift_event_for_the_canary_is_ignored_with_the_reason_and_starts_no_run()
    {
        await using var bed = await RetrainerTestBed.StartAsync(Builtin);
        bed.LogLabelledPredictions(RetrainerTestBed.SampleRows(scale: 3));
        bed.Gateway.Stable = 2;
        bed.Gateway.Canary = 3;

        var (status, answer) = await bed.PostWebhookAsync("evt-canary", RetrainerTestBed.DriftEvent(version: 3));
        var (other, elsewhere) = await bed.PostWebhookAsync("evt-old", RetrainerTestBed.DriftEvent(version: 1));

        Assert.Equal(200, status);
        Assert.Equal("version 3 is the canary, not stable 2", answer["ignored"]?.ToString());
        Assert.Equal(200, other);
        Assert.Equal("version 1 is not serving as stable, not stable 2", elsewhere["ignored"]?.ToString());
        Assert.Empty(bed.Runs.All);
        Assert.Empty(bed.Gateway.Events);
    }

    [Fact]
    public async Task A_second_drift_event_within_the_cooldown_is_ignored_and_after_it_runs_and_the_baseline_is_the_windows()
    {
        await using var bed = await RetrainerTestBed.StartAsync(Builtin, cooldownMinutes: 30);
        var rows = RetrainerTestBed.SampleRows(scale: 3);
        bed.LogLabelledPredictions(rows);

        var (_, started) = await bed.PostWebhookAsync("evt-drift-a", RetrainerTestBed.DriftEvent());
        var first = await bed.FinishedRunAsync(started["run"]!.ToString());
        Assert.True(first.Stage == RunStages.Done, $"{first.Stage}: {first.Message}\n{string.Join('\n', first.Log ?? [])}");
        Assert.Equal(3, first.Version);

        // The published version's baseline: the window's 569 logged rows (at least baselineFromWindowMinRows 100).
        var manifest = ManifestSerializer.Read(Path.Combine(bed.Registry, RetrainerTestBed.Model, "3"));
        Assert.Equal(RetrainPipeline.BaselineFromWindow, manifest.Lineage!.Retraining!.BaselineFrom);
        AssertBaselineMean(manifest, FirstFeature(), rows.Select(r => (double)(float)r.Features[0]).Average());

        // 29 minutes on: still cooling down; manual runs are not held, drift events are.
        bed.Time.Advance(TimeSpan.FromMinutes(29));
        var (held, ignored) = await bed.PostWebhookAsync("evt-drift-b", RetrainerTestBed.DriftEvent());
        Assert.Equal(200, held);
        var reason = ignored["ignored"]?.ToString() ?? string.Empty;
        Assert.Contains("cooldown of 30 minutes", reason, StringComparison.Ordinal);
        Assert.Contains($"until {RetrainerTestBed.Now.AddMinutes(30).UtcDateTime:yyyy-MM-ddTHH:mm}", reason, StringComparison.Ordinal);
        Assert.Single(bed.Runs.All);

        // Past the cooldown (30 minutes after the publish), the next drift event runs.
        bed.Time.Advance(TimeSpan.FromMinutes(2));
        var (status, again) = await bed.PostWebhookAsync("evt-drift-c", RetrainerTestBed.DriftEvent());
        Assert.Equal(202, status);
        var second = await bed.FinishedRunAsync(again["run"]!.ToString());
        Assert.Equal("evt-drift-c", second.EventId);
        Assert.Equal(2, bed.Runs.All.Count);
    }

    [Fact]
    public async Task Manual_runs_are_not_held_by_the_cooldown()
    {
        await using var bed = await RetrainerTestBed.StartAsync(Builtin, cooldownMinutes: 30);
        bed.LogLabelledPredictions(RetrainerTestBed.SampleRows(scale: 3));
        var (_, started) = await bed.PostWebhookAsync("evt-drift-a", RetrainerTestBed.DriftEvent());
        Assert.Equal(3, (await bed.FinishedRunAsync(started["run"]!.ToString())).Version);

        var (held, _) = await bed.PostWebhookAsync("evt-drift-b", RetrainerTestBed.DriftEvent());
        using var byHand = await bed.Http.PostAsJsonAsync($"{bed.Url}/runs", new { model = RetrainerTestBed.Model }, TestContext.Current.CancellationToken);
        await bed.Runs.WhenIdleAsync().WaitAsync(TimeSpan.FromMinutes(3), TestContext.Current.CancellationToken);

        Assert.Equal(200, held);
        Assert.Equal(HttpStatusCode.Accepted, byHand.StatusCode);
        Assert.Equal(2, bed.Runs.All.Count);
    }

    [Fact]
    public async Task With_too_few_window_rows_the_baseline_comes_from_the_training_data()
    {
        await using var bed = await RetrainerTestBed.StartAsync(Builtin, baselineFromWindowMinRows: 1000);
        var rows = RetrainerTestBed.SampleRows(scale: 3);
        bed.LogLabelledPredictions(rows);

        var (_, started) = await bed.PostWebhookAsync("evt-drift-few", RetrainerTestBed.DriftEvent());
        var run = await bed.FinishedRunAsync(started["run"]!.ToString());

        Assert.True(run.Stage == RunStages.Done, $"{run.Stage}: {run.Message}\n{string.Join('\n', run.Log ?? [])}");
        var manifest = ManifestSerializer.Read(Path.Combine(bed.Registry, RetrainerTestBed.Model, "3"));
        Assert.Equal(RetrainPipeline.BaselineFromTrainingData, manifest.Lineage!.Retraining!.BaselineFrom);
        // The rows the candidate trained on: every original row and the window's rows not held out.
        var train = CsvDataSet.Load(Path.Combine(bed.DataPath, "retrainer", "runs", run.Id, "train.csv"));
        var trainMean = train.Column(FirstFeature()).Select(v => (double)(float)v).Average();
        AssertBaselineMean(manifest, FirstFeature(), trainMean);
        var windowMean = rows.Select(r => (double)(float)r.Features[0]).Average();
        Assert.True(Math.Abs(trainMean - windowMean) > 0.1 * Math.Abs(windowMean), $"train mean {trainMean}, window mean {windowMean}: the test cannot tell them apart");
    }

    private static string FirstFeature() =>
        CsvDataSet.Load(RetrainerTestBed.TrainingData).ColumnNames.First(c => c != "target");

    private static void AssertBaselineMean(ModelManifest manifest, string feature, double expected)
    {
        var baseline = Assert.Single(manifest.Baseline!.Features, f => f.Name == feature);
        Assert.True(Math.Abs(baseline.Mean - expected) <= 1e-6 * Math.Abs(expected), $"{feature}: baseline mean {baseline.Mean}, expected {expected}");
    }
}
