using Serving.Cli.Retraining.DvcLive;

namespace Serving.Cli.Tests.Retraining.DvcLive;

public sealed class DvcLiveLogTests
{
    [Fact]
    public void Numbers_are_written_as_Python_writes_floats()
    {
        Assert.Equal("1.0", DvcLiveLog.Number(1));
        Assert.Equal("0.0", DvcLiveLog.Number(0));
        Assert.Equal("0.9649122807017544", DvcLiveLog.Number(0.9649122807017544));
        Assert.Equal("0.01", DvcLiveLog.Number(0.01));
        Assert.Equal("-2.5", DvcLiveLog.Number(-2.5));
    }

    [Fact]
    public void Stepped_metrics_write_one_tsv_each_their_last_value_nested_in_metrics_json_and_the_last_step()
    {
        using var work = new TemporaryDirectory();
        var log = new DvcLiveLog();
        log.Metric("train/loss", 0.5, 0);
        log.Metric("train/loss", 0.25, 1);
        log.Metric("eval/loss", 0.75, 1);
        log.Metric("gate/passed", 1);
        log.Metric("skipped", double.NaN);
        log.Param("model", "m");

        var tsvs = log.Write(work.Path);

        Assert.Equal(["plots/metrics/train/loss.tsv", "plots/metrics/eval/loss.tsv", "plots/metrics/gate/passed.tsv"], tsvs);
        Assert.Equal("step\ttrain/loss\n0\t0.5\n1\t0.25\n", File.ReadAllText(work.Combine("plots", "metrics", "train", "loss.tsv")));
        Assert.Equal([(1L, 1.0)], DvcLiveFormat.Tsv(work.Path, "gate/passed"));
        Assert.False(File.Exists(work.Combine("plots", "metrics", "skipped.tsv")));
        var metrics = DvcLiveFormat.Metrics(work.Path);
        Assert.Equal(["train", "eval", "gate", "step"], metrics.Select(p => p.Key));
        Assert.Equal(0.25, DvcLiveFormat.Number(metrics["train"]!["loss"]), 12);
        Assert.Equal(1, (long)metrics["step"]!);
        Assert.StartsWith("{\n    \"train\": {\n        \"loss\": 0.25\n    },", File.ReadAllText(work.Combine("metrics.json")).Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);
        DvcLiveFormat.DvcYaml(work.Path);
    }

    [Fact]
    public void Without_steps_metrics_json_has_no_step_and_values_are_at_step_zero()
    {
        using var work = new TemporaryDirectory();
        var log = new DvcLiveLog();
        log.Metric("gate/candidate/rmse", 3.5);

        log.Write(work.Path);

        Assert.Null(DvcLiveFormat.Metrics(work.Path)["step"]);
        Assert.Equal([(0L, 3.5)], DvcLiveFormat.Tsv(work.Path, "gate/candidate/rmse"));
    }

    [Fact]
    public void A_missing_parameter_is_YAML_null_and_nested_parameters_are_mappings()
    {
        using var work = new TemporaryDirectory();
        var log = new DvcLiveLog();
        log.Param("parent_version", null);
        log.Param("event", new Dictionary<string, object?> { ["id"] = "e-1", ["type"] = "drift.detected" });
        log.Param("margin", 0.01);

        log.Write(work.Path);

        var yaml = DvcLiveFormat.Yaml(work.Combine("params.yaml"));
        var parent = Assert.IsType<YamlDotNet.RepresentationModel.YamlScalarNode>(yaml.Children[new YamlDotNet.RepresentationModel.YamlScalarNode("parent_version")]);
        Assert.Equal(YamlDotNet.Core.ScalarStyle.Plain, parent.Style);
        Assert.Contains(parent.Value, new[] { string.Empty, "null", "~" });
        Assert.Equal("drift.detected", DvcLiveFormat.Scalar(yaml, "event", "type"));
        Assert.Equal("0.01", DvcLiveFormat.Scalar(yaml, "margin"));
        Assert.Equal("{}", File.ReadAllText(work.Combine("metrics.json")));
        Assert.DoesNotContain("plots", File.ReadAllText(work.Combine("dvc.yaml")), StringComparison.Ordinal);
    }
}
