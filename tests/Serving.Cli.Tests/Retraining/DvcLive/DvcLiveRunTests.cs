using System.Globalization;
using System.Text.Json.Nodes;
using Serving.Cli.Retraining;
using Serving.Cli.Training;
using Serving.Core.Packaging;
using YamlDotNet.RepresentationModel;

namespace Serving.Cli.Tests.Retraining.DvcLive;

/// <summary>A run's DVCLive files, end to end through the retrainer, checked field by field against DVCLive's layout.</summary>
public sealed class DvcLiveRunTests
{
    [Fact]
    public async Task A_FastTree_run_writes_per_tree_curves_the_gates_figures_params_and_dvc_yaml_in_its_folder_and_the_configured_one()
    {
        using var work = new TemporaryDirectory();
        var copy = work.Combine("repo", "dvclive");
        var jobs = new JsonObject { [RetrainerTestBed.Model] = new JsonObject { ["kind"] = "builtin", ["recipe"] = 2, ["dvclive"] = new JsonObject { ["dir"] = copy } } };
        await using var bed = await RetrainerTestBed.StartAsync(jobs);
        bed.LogLabelledPredictions(RetrainerTestBed.SampleRows(scale: 3));

        var (_, answer) = await bed.PostWebhookAsync("evt-dvclive-1", RetrainerTestBed.DriftEvent());
        var run = await bed.FinishedRunAsync(answer["run"]!.ToString());

        Assert.True(run.Stage == RunStages.Done, $"{run.Stage}: {run.Message}\n{string.Join('\n', run.Log ?? [])}");
        var dir = Path.Combine(bed.DataPath, "retrainer", "runs", run.Id, "dvclive");
        var files = run.DvcLive ?? throw new Xunit.Sdk.XunitException($"no DVCLive files:\n{string.Join('\n', run.Log ?? [])}");
        Assert.Equal(dir, files.Dir);
        Assert.Equal(Path.Combine(dir, "metrics.json"), files.Metrics);
        Assert.Equal(Path.Combine(dir, "params.yaml"), files.Params);
        Assert.Equal(Path.Combine(dir, "dvc.yaml"), files.DvcYaml);
        Assert.Equal(copy, files.CopiedTo);
        Assert.Contains(Path.Combine(dir, "plots/metrics/eval/accuracy.tsv"), files.Plots);
        Assert.All(files.Plots, p => Assert.True(File.Exists(p), p));

        // metrics.json: the last value of each metric, nested by '/', then the last step (the 50th tree).
        var evaluation = run.Evaluation!;
        var metrics = DvcLiveFormat.Metrics(dir);
        Assert.Equal(["train", "eval", "mlnet", "gate", "step"], metrics.Select(p => p.Key));
        Assert.Equal(50, (long)metrics["step"]!);
        Assert.Equal(["accuracy", "f1", "rocAuc"], metrics["mlnet"]!.AsObject().Select(p => p.Key));
        Assert.Equal(["candidate", "stable", "margin", "passed"], metrics["gate"]!.AsObject().Select(p => p.Key));
        foreach (var (name, value) in evaluation.Candidate)
        {
            Assert.Equal(value, DvcLiveFormat.Number(metrics["gate"]!["candidate"]![name]), 12);
        }

        foreach (var (name, value) in evaluation.Stable!)
        {
            Assert.Equal(value, DvcLiveFormat.Number(metrics["gate"]!["stable"]![name]), 12);
        }

        Assert.Equal(0.01, DvcLiveFormat.Number(metrics["gate"]!["margin"]), 12);
        Assert.Equal(1.0, DvcLiveFormat.Number(metrics["gate"]!["passed"]));

        // The curves: one row per tree, steps 1 to 50; the last held-out accuracy is the candidate's at the gate
        // (the gate scores the exported ONNX model; a row on the boundary may round the other way: one row's worth).
        var eval = DvcLiveFormat.Tsv(dir, "eval/accuracy");
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), eval.Select(r => r.Step));
        Assert.Equal(eval[^1].Value, DvcLiveFormat.Number(metrics["eval"]!["accuracy"]), 12);
        Assert.InRange(Math.Abs(eval[^1].Value - evaluation.Candidate["accuracy"]), 0, (1.0 / evaluation.HeldOutRows) + 1e-9);
        Assert.Equal(50, DvcLiveFormat.Tsv(dir, "train/accuracy").Count);
        Assert.Equal([(50L, evaluation.Candidate["accuracy"])], DvcLiveFormat.Tsv(dir, "gate/candidate/accuracy"));
        Assert.Equal([(50L, 1.0)], DvcLiveFormat.Tsv(dir, "gate/passed"));

        var parameters = DvcLiveFormat.Yaml(files.Params);
        Assert.Equal(run.Id, DvcLiveFormat.Scalar(parameters, "run_id"));
        Assert.Equal("breast-cancer", DvcLiveFormat.Scalar(parameters, "model"));
        Assert.Equal("builtin", DvcLiveFormat.Scalar(parameters, "job", "kind"));
        Assert.Equal("breast-cancer", DvcLiveFormat.Scalar(parameters, "job", "sample"));
        Assert.Equal("2", DvcLiveFormat.Scalar(parameters, "job", "recipe"));
        Assert.Equal("accuracy", DvcLiveFormat.Scalar(parameters, "metric"));
        Assert.Equal(0.01, double.Parse(DvcLiveFormat.Scalar(parameters, "margin"), CultureInfo.InvariantCulture));
        Assert.Equal("1", DvcLiveFormat.Scalar(parameters, "parent_version"));
        Assert.Equal("evt-dvclive-1", DvcLiveFormat.Scalar(parameters, "event", "id"));
        Assert.Equal("drift.detected", DvcLiveFormat.Scalar(parameters, "event", "type"));
        Assert.Equal(run.DataSha256, DvcLiveFormat.Scalar(parameters, "data_sha256"));
        Assert.Equal("569", DvcLiveFormat.Scalar(parameters, "rows", "original"));
        Assert.Equal("569", DvcLiveFormat.Scalar(parameters, "rows", "logged"));
        Assert.Equal(evaluation.HeldOutRows.ToString(CultureInfo.InvariantCulture), DvcLiveFormat.Scalar(parameters, "rows", "held_out"));
        Assert.StartsWith("serving retrainer (builtin breast-cancer recipe 2", DvcLiveFormat.Scalar(parameters, "trainer"), StringComparison.Ordinal);

        DvcLiveFormat.DvcYaml(dir);
        foreach (var file in Directory.GetFiles(dir, "*", SearchOption.AllDirectories))
        {
            Assert.Equal(File.ReadAllText(file), File.ReadAllText(Path.Combine(copy, Path.GetRelativePath(dir, file))));
        }
    }

    [Fact]
    public async Task A_command_jobs_own_dvclive_files_are_kept_and_the_gates_figures_are_added()
    {
        var stableModel = Path.Combine(CommittedSamples.SourcePath, RetrainerTestBed.Model, "1", "model.onnx");
        // What DVCLive itself writes for log_param("lr", 0.1) and two steps of train/loss, with a custom plot in dvc.yaml.
        const string Script = """
            d="$SERVING_DVCLIVE_DIR"; mkdir -p "$d/plots/metrics/train"
            printf 'step\ttrain/loss\n0\t0.5\n1\t0.25\n' > "$d/plots/metrics/train/loss.tsv"
            printf '{\n    "train": {\n        "loss": 0.25\n    },\n    "step": 1\n}' > "$d/metrics.json"
            printf 'lr: 0.1\nmodel: mine\n' > "$d/params.yaml"
            printf 'params:\n- params.yaml\nmetrics:\n- metrics.json\nplots:\n- plots/metrics:\n    x: step\n- roc.json:\n    x: fpr\n    y: tpr\n' > "$d/dvc.yaml"
            """;
        var jobs = new JsonObject
        {
            [RetrainerTestBed.Model] = new JsonObject
            {
                ["kind"] = "command",
                ["trainingData"] = RetrainerTestBed.TrainingData,
                ["command"] = $"cp '{stableModel}' \"$SERVING_OUTPUT\"\n{Script}",
                ["outputs"] = new JsonObject { ["label"] = "ClassIndex.output", ["probability"] = "Probability.output" },
                ["predictionOutput"] = "label",
            },
        };
        await using var bed = await RetrainerTestBed.StartAsync(jobs);
        bed.LogLabelledPredictions(RetrainerTestBed.SampleRows(scale: 1));

        var (_, answer) = await bed.PostWebhookAsync("evt-dvclive-2", RetrainerTestBed.DriftEvent());
        var run = await bed.FinishedRunAsync(answer["run"]!.ToString());

        Assert.True(run.Stage == RunStages.Done, $"{run.Stage}: {run.Message}\n{string.Join('\n', run.Log ?? [])}");
        var dir = run.DvcLive!.Dir;
        Assert.Null(run.DvcLive.CopiedTo);
        Assert.Equal([(0L, 0.5), (1L, 0.25)], DvcLiveFormat.Tsv(dir, "train/loss"));
        var metrics = DvcLiveFormat.Metrics(dir);
        Assert.Equal(0.25, DvcLiveFormat.Number(metrics["train"]!["loss"]), 12);
        Assert.Equal(1, (long)metrics["step"]!);
        Assert.Equal(["train", "gate", "step"], metrics.Select(p => p.Key));
        Assert.Equal(run.Evaluation!.Candidate["accuracy"], DvcLiveFormat.Number(metrics["gate"]!["candidate"]!["accuracy"]), 12);
        Assert.Equal(1.0, DvcLiveFormat.Number(metrics["gate"]!["passed"]));
        Assert.Equal([(0L, run.Evaluation.Candidate["accuracy"])], DvcLiveFormat.Tsv(dir, "gate/candidate/accuracy"));

        var parameters = DvcLiveFormat.Yaml(run.DvcLive.Params);
        Assert.Equal("0.1", DvcLiveFormat.Scalar(parameters, "lr"));
        Assert.Equal("mine", DvcLiveFormat.Scalar(parameters, "model"));
        Assert.Equal("command", DvcLiveFormat.Scalar(parameters, "job", "kind"));
        Assert.Equal("evt-dvclive-2", DvcLiveFormat.Scalar(parameters, "event", "id"));
        Assert.Contains(run.Log!, l => l.Contains("params.yaml already holds model", StringComparison.Ordinal));

        var dvcYaml = DvcLiveFormat.DvcYaml(dir);
        var plots = (YamlSequenceNode)dvcYaml.Children[new YamlScalarNode("plots")];
        Assert.Equal(2, plots.Children.Count);
        Assert.Equal("fpr", DvcLiveFormat.Scalar((YamlMappingNode)plots.Children[1], "roc.json", "x"));
        Assert.Single((YamlSequenceNode)dvcYaml.Children[new YamlScalarNode("metrics")]);
    }

    [Fact]
    public async Task A_refused_run_writes_its_verdict_as_gate_passed_zero_with_both_versions_figures()
    {
        using var work = new TemporaryDirectory();
        var lines = File.ReadAllLines(RetrainerTestBed.TrainingData);
        var flipped = work.Combine("flipped.csv");
        File.WriteAllLines(flipped, [lines[0], .. lines.Skip(1).Where(l => l.Length > 0).Select(l => l[..^1] + (l[^1] == '0' ? "1" : "0"))]);
        var bad = work.Combine("bad.onnx");
        SampleTrainer.Train(SampleCatalog.Of("breast-cancer")[0], CsvDataSet.Load(flipped)).SaveArtifact(bad);
        var jobs = new JsonObject
        {
            [RetrainerTestBed.Model] = new JsonObject
            {
                ["kind"] = "command",
                ["trainingData"] = RetrainerTestBed.TrainingData,
                ["command"] = $"cp '{bad}' \"$SERVING_OUTPUT\"",
                ["metric"] = "f1",
                ["outputs"] = new JsonObject { ["label"] = "ClassIndex.output", ["probability"] = "Probability.output" },
                ["predictionOutput"] = "label",
            },
        };
        await using var bed = await RetrainerTestBed.StartAsync(jobs);
        bed.LogLabelledPredictions(RetrainerTestBed.SampleRows(scale: 1));

        var (_, answer) = await bed.PostWebhookAsync("evt-dvclive-3", RetrainerTestBed.DriftEvent());
        var run = await bed.FinishedRunAsync(answer["run"]!.ToString());

        Assert.True(run.Stage == RunStages.Refused, $"{run.Stage}: {run.Message}");
        var dir = run.DvcLive!.Dir;
        var metrics = DvcLiveFormat.Metrics(dir);
        Assert.Equal(["gate"], metrics.Select(p => p.Key));
        Assert.Equal(0.0, DvcLiveFormat.Number(metrics["gate"]!["passed"]));
        Assert.Equal(run.Evaluation!.Candidate["f1"], DvcLiveFormat.Number(metrics["gate"]!["candidate"]!["f1"]), 12);
        Assert.Equal(run.Evaluation.Stable!["f1"], DvcLiveFormat.Number(metrics["gate"]!["stable"]!["f1"]), 12);
        Assert.Equal([(0L, 0.0)], DvcLiveFormat.Tsv(dir, "gate/passed"));
        Assert.Equal("f1", DvcLiveFormat.Scalar(DvcLiveFormat.Yaml(run.DvcLive.Params), "metric"));
        Assert.Equal("command", DvcLiveFormat.Scalar(DvcLiveFormat.Yaml(run.DvcLive.Params), "job", "kind"));
        DvcLiveFormat.DvcYaml(dir);
    }
}
