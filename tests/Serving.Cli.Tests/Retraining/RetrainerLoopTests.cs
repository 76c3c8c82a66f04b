using System.Globalization;
using System.Text.Json.Nodes;
using Serving.Cli.Retraining;
using Serving.Cli.Training;
using Serving.Core.Packaging;

namespace Serving.Cli.Tests.Retraining;

/// <summary>
/// The retrainer end to end on real Kestrel: a signed <c>drift.detected</c> for breast-cancer trains a candidate on the
/// original data plus the labelled logged predictions, the gate compares it with stable version 1 on held-out logged
/// rows scored by the serving runtimes, and version 3 appears in the registry with its lineage and is reported to
/// the gateway; a candidate worse than stable is refused and nothing is published.
/// </summary>
public sealed class RetrainerLoopTests
{
    [Fact]
    public async Task A_signed_drift_event_trains_passes_the_gate_and_publishes_the_next_version_with_lineage()
    {
        await using var bed = await RetrainerTestBed.StartAsync(new JsonObject { [RetrainerTestBed.Model] = new JsonObject { ["kind"] = "builtin" } });
        // The drifted traffic: every feature three times as large, labelled. Stable (trained on the original scale) is
        // poor on it; a candidate that also learns from these rows is not.
        bed.LogLabelledPredictions(RetrainerTestBed.SampleRows(scale: 3));

        var (status, answer) = await bed.PostWebhookAsync("evt-drift-1", RetrainerTestBed.DriftEvent());
        var run = await bed.FinishedRunAsync(answer["run"]!.ToString());

        Assert.Equal(202, status);
        Assert.True(run.Stage == RunStages.Done, $"{run.Stage}: {run.Message}\n{string.Join('\n', run.Log ?? [])}");
        Assert.Equal(3, run.Version);
        var versionDirectory = Path.Combine(bed.Registry, RetrainerTestBed.Model, "3");
        var lineage = ManifestSerializer.Read(versionDirectory).Lineage!.Retraining!;
        TestContext.Current.TestOutputHelper?.WriteLine($"candidate {string.Join(", ", lineage.Evaluation.Candidate)}; stable {string.Join(", ", lineage.Evaluation.Stable!)}; {lineage.Evaluation.Split}");
        Assert.Equal(run.Id, lineage.RunId);
        Assert.Equal(1, lineage.ParentVersion);
        Assert.Equal("evt-drift-1", lineage.EventId);
        Assert.Equal("drift.detected", lineage.EventType);
        Assert.Equal(Checksums.Sha256OfFile(Path.Combine(bed.DataPath, "retrainer", "runs", run.Id, "combined.csv")), lineage.DataSha256);
        Assert.Equal(569, lineage.OriginalRows);
        Assert.Equal(569, lineage.LoggedRows);
        Assert.Equal("accuracy", lineage.Evaluation.Metric);
        Assert.Equal("passed", lineage.Evaluation.Verdict);
        Assert.InRange(lineage.Evaluation.HeldOutRows, 80, 150);
        Assert.True(lineage.Evaluation.Candidate["accuracy"] >= lineage.Evaluation.Stable!["accuracy"] - 0.01, $"{lineage.Evaluation.Candidate["accuracy"]} against {lineage.Evaluation.Stable["accuracy"]}");
        Assert.Empty(Directory.GetDirectories(Path.Combine(bed.Registry, RetrainerTestBed.Model), ".staging-*"));

        var (authorization, report) = Assert.Single(bed.Gateway.Events);
        Assert.Equal($"Bearer {FakeGateway.AdminKey}", authorization);
        Assert.Equal($"retrain-{run.Id}-published", report["id"]!.ToString());
        Assert.Equal("version.published", report["type"]!.ToString());
        Assert.Equal(RetrainerTestBed.Model, report["data"]!["model"]!.ToString());
        Assert.Equal(3, (int)report["data"]!["version"]!);
        Assert.Equal(1, (int)report["data"]!["parentVersion"]!);
        Assert.Equal("evt-drift-1", report["data"]!["triggerEventId"]!.ToString());
    }

    [Fact]
    public async Task A_candidate_worse_than_stable_is_refused_by_the_gate_and_nothing_is_published()
    {
        using var work = new TemporaryDirectory();
        var bad = TrainOnFlippedLabels(work);
        var jobs = new JsonObject
        {
            [RetrainerTestBed.Model] = new JsonObject
            {
                ["kind"] = "command",
                ["trainingData"] = RetrainerTestBed.TrainingData,
                ["command"] = $"cp '{bad}' \"$SERVING_OUTPUT\" && head -c 12 \"$SERVING_TRAINING_DATA\" && echo && echo \"model=$SERVING_MODEL label=$SERVING_LABEL\"",
                ["outputs"] = new JsonObject { ["label"] = "ClassIndex.output", ["probability"] = "Probability.output" },
                ["predictionOutput"] = "label",
            },
        };
        await using var bed = await RetrainerTestBed.StartAsync(jobs);
        bed.LogLabelledPredictions(RetrainerTestBed.SampleRows(scale: 1));
        var before = Directory.GetDirectories(Path.Combine(bed.Registry, RetrainerTestBed.Model)).Order().ToList();

        var (_, answer) = await bed.PostWebhookAsync("evt-drift-2", RetrainerTestBed.DriftEvent());
        var run = await bed.FinishedRunAsync(answer["run"]!.ToString());

        Assert.True(run.Stage == RunStages.Refused, $"{run.Stage}: {run.Message}\n{string.Join('\n', run.Log ?? [])}");
        Assert.Equal("refused", run.Verdict);
        TestContext.Current.TestOutputHelper?.WriteLine($"candidate {string.Join(", ", run.Evaluation!.Candidate)}; stable {string.Join(", ", run.Evaluation.Stable!)}");
        Assert.Null(run.Version);
        Assert.True(run.Evaluation!.Candidate["accuracy"] < run.Evaluation.Stable!["accuracy"] - 0.5, $"{run.Evaluation.Candidate["accuracy"]} against {run.Evaluation.Stable["accuracy"]}");
        Assert.Contains(run.Log!, l => l.Contains("[stdout] mean radius", StringComparison.Ordinal));
        Assert.Contains(run.Log!, l => l.Contains("[stdout] model=breast-cancer label=target", StringComparison.Ordinal));
        Assert.Equal(before, Directory.GetDirectories(Path.Combine(bed.Registry, RetrainerTestBed.Model)).Order().ToList());

        var (_, report) = Assert.Single(bed.Gateway.Events);
        Assert.Equal($"retrain-{run.Id}-failed", report["id"]!.ToString());
        Assert.Equal("version.failed", report["type"]!.ToString());
        Assert.Equal("refused", report["data"]!["outcome"]!.ToString());
        Assert.Equal("refused", report["data"]!["evaluation"]!["verdict"]!.ToString());
    }

    // breast-cancer's first recipe trained on the same rows with every label flipped: wrong nearly always.
    private static string TrainOnFlippedLabels(TemporaryDirectory work)
    {
        var lines = File.ReadAllLines(Path.Combine(Repository.DataDirectory, "breast-cancer.csv"));
        var flipped = work.Combine("flipped.csv");
        File.WriteAllLines(flipped, [lines[0], .. lines.Skip(1).Where(l => l.Length > 0).Select(l => l[..^1] + (l[^1] == '0' ? "1" : "0"))]);
        var trained = SampleTrainer.Train(SampleCatalog.Of("breast-cancer")[0], CsvDataSet.Load(flipped));
        var path = work.Combine("bad.onnx");
        trained.SaveArtifact(path);
        return path;
    }
}
