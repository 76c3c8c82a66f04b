using Serving.Core.Packaging;

namespace Serving.Cli.Tests.Commands;

public sealed class TrainCommandTests
{
    [Theory]
    [InlineData("iris", 1)]
    [InlineData("breast-cancer", 1)]
    [InlineData("breast-cancer", 2)]
    public async Task Training_a_sample_again_reproduces_the_committed_onnx_artifact_byte_for_byte(string sample, int version)
    {
        using var temp = new TemporaryDirectory();

        var run = await CliRun.Of("train", sample, "--version", $"{version}", "--out", temp.Path, "--data", Repository.DataDirectory);

        Assert.Equal((0, $"{sample} {version}"), (run.ExitCode, run.Result.Trim()));
        Assert.Equal(
            File.ReadAllBytes(Path.Combine(CommittedSamples.PathOf(sample, version), "model.onnx")),
            File.ReadAllBytes(temp.Combine(sample, $"{version}", "model.onnx")));
    }

    [Fact]
    public async Task Trained_packages_record_the_trainer_and_held_out_metrics()
    {
        using var temp = new TemporaryDirectory();

        await CliRun.Of("train", "iris", "--out", temp.Path, "--data", Repository.DataDirectory);

        var lineage = ManifestSerializer.Read(temp.Combine("iris", "1")).Lineage!;
        Assert.Contains("serving train iris", lineage.Trainer, StringComparison.Ordinal);
        Assert.InRange(lineage.Metrics!["accuracy"], 0.8, 1.0);
    }

    [Fact]
    public async Task Training_a_version_the_sample_has_no_recipe_for_fails_with_the_versions_it_has()
    {
        using var temp = new TemporaryDirectory();

        var run = await CliRun.Of("train", "iris", "--version", "9", "--out", temp.Path, "--data", Repository.DataDirectory);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("has 1", run.Messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Training_an_unknown_sample_is_a_usage_error()
    {
        var run = await CliRun.Of("train", "mnist");

        Assert.Equal(2, run.ExitCode);
    }
}
