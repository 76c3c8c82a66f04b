using Serving.Cli.Tests.Training;
using Serving.Cli.Training;
using Serving.Core.Contracts;
using Serving.Core.Packaging;

namespace Serving.Cli.Tests.Commands;

public sealed class TrainCommandTests
{
    /// <summary>
    /// What reproducible means to a user, on any x64 CPU: the retrained package answers as the committed one on every
    /// row of its data set (<see cref="SameAnswers"/>: probabilities within 1e-4, regression values within 1e-4
    /// relative, labels identical except where the committed model is undecided within that tolerance), has the same
    /// held-out metrics to 1e-4 relative, the same manifest apart from checksums, lineage dates and baseline, and the
    /// same baseline (<see cref="SameBaseline"/>). The artifact's bytes may differ: training is not bit-identical
    /// across instruction sets.
    /// </summary>
    [Theory]
    [MemberData(nameof(CommittedSampleModelsTests.Recipes), MemberType = typeof(CommittedSampleModelsTests))]
    public async Task Training_a_sample_again_reproduces_the_committed_package_answers_metrics_signature_and_baseline_within_stated_tolerances(string sample, int version)
    {
        using var temp = new TemporaryDirectory();
        var recipe = SampleCatalog.Of(sample).Single(r => r.Version == version);
        var data = CsvDataSet.Load(Path.Combine(Repository.DataDirectory, recipe.DataFile));

        var run = await CliRun.Of("train", sample, "--version", $"{version}", "--out", temp.Path, "--data", Repository.DataDirectory);

        Assert.Equal((0, $"{sample} {version}"), (run.ExitCode, run.Result.Trim()));
        var committed = await PackageAnswers.OfAsync(CommittedSamples.PathOf(sample, version), data);
        var retrained = await PackageAnswers.OfAsync(temp.Combine(sample, $"{version}"), data);
        var (expected, actual) = (committed.Manifest, retrained.Manifest);

        Assert.Equal(Described(expected), Described(actual));
        // The committed packages predate DVC's fields in the lineage (md5, size, and path when in a DVC repository); the rest must match exactly.
        var committedData = expected.Lineage!.TrainingData!;
        Assert.Equal(committedData, actual.Lineage!.TrainingData! with { Md5 = committedData.Md5, Size = committedData.Size, Path = committedData.Path, DvcFile = committedData.DvcFile });
#pragma warning disable CA5351 // DVC's md5, computed independently of the code under test
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(File.ReadAllBytes(Path.Combine(Repository.DataDirectory, recipe.DataFile)))), actual.Lineage.TrainingData.Md5);
#pragma warning restore CA5351
        Assert.Equal(expected.Lineage.Trainer, actual.Lineage.Trainer);
        Assert.Equal(expected.Lineage.Metrics!.Keys.Order(StringComparer.Ordinal), actual.Lineage.Metrics!.Keys.Order(StringComparer.Ordinal));
        foreach (var (metric, value) in expected.Lineage.Metrics)
        {
            Assert.True(SameAnswers.Close(value, actual.Lineage.Metrics[metric]), $"{metric}: retrained {actual.Lineage.Metrics[metric]:R}, committed {value:R}");
        }

        var undecided = SameAnswers.Assert(expected.Task, expected.Signature, data.Rows, committed.Outputs, retrained.Outputs, $"{sample} {version} retrained against committed");
        var predictions = expected.Task == ModelTasks.Regression ? committed.Outputs[expected.Signature.PredictionOutput!].Select(r => r[0]).ToList() : null;
        SameBaseline.Assert(expected.Baseline, actual.Baseline, undecided.Count, predictions, $"{sample} {version} baseline");
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

    // The manifest without what may differ between two trainings: artifact checksums, lineage (its date and commit;
    // its data, trainer and metrics are compared on their own) and the model-dependent baseline.
    private static string Described(ModelManifest manifest) =>
        ManifestSerializer.Serialize(manifest with { Artifacts = manifest.Artifacts.ToDictionary(a => a.Key, _ => string.Empty), Lineage = null, Baseline = null });
}
