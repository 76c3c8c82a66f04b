using Serving.Cli.Training;
using Serving.Core.Packaging;

namespace Serving.Cli.Tests.Training;

/// <summary>
/// Each committed sample package (models/&lt;sample&gt;/&lt;version&gt;) answers, through the serving runtime and under
/// its manifest's signature, as the ML.NET model that trained it answers, on every row of its data set. The model is
/// retrained here, on whatever CPU runs the test, so answers agree within <see cref="SameAnswers"/>' tolerances.
/// </summary>
public sealed class CommittedSampleModelsTests
{
    public static TheoryData<string, int> Recipes()
    {
        var data = new TheoryData<string, int>();
        foreach (var recipe in SampleCatalog.All)
        {
            data.Add(recipe.Sample, recipe.Version);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Recipes))]
    public async Task A_committed_sample_gives_the_same_answers_as_the_model_that_trained_it_on_its_whole_data_set(string sample, int version)
    {
        var recipe = SampleCatalog.Of(sample).Single(r => r.Version == version);
        var trained = SampleTrainer.Train(recipe, Repository.DataDirectory);
        var expected = trained.Predict(trained.Data);

        var package = await PackageAnswers.OfAsync(CommittedSamples.PathOf(sample, version), trained.Data);

        Assert.Equal(recipe.Outputs.Select(o => o.Name), package.Manifest.Signature.Outputs.Select(o => o.Name));
        SameAnswers.Assert(recipe.Task, package.Manifest.Signature, trained.Data.Rows, expected, package.Outputs, $"{sample} {version} package against ML.NET");
    }

    [Theory]
    [MemberData(nameof(Recipes))]
    public void A_committed_sample_manifest_matches_its_artifact_and_its_training_data(string sample, int version)
    {
        var directory = CommittedSamples.PathOf(sample, version);
        var manifest = ManifestSerializer.Read(directory);
        var recipe = SampleCatalog.Of(sample).Single(r => r.Version == version);

        foreach (var (file, sha256) in manifest.Artifacts)
        {
            Assert.Equal(sha256, Checksums.Sha256OfFile(Path.Combine(directory, file)));
        }

        Assert.Equal(Checksums.Sha256OfFile(Path.Combine(Repository.DataDirectory, recipe.DataFile)), manifest.Lineage!.TrainingData!.Sha256);
        Assert.Equal(recipe.Task, manifest.Task);
        Assert.Equal(recipe.Classes, manifest.Signature.Classes);
    }
}
