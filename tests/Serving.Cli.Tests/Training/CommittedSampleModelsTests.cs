using Serving.Cli.Training;
using Serving.Core.Inference;
using Serving.Core.Packaging;

namespace Serving.Cli.Tests.Training;

/// <summary>
/// Each committed sample package (models/&lt;sample&gt;/&lt;version&gt;) answers, through the serving runtime and under
/// its manifest's signature, exactly as the ML.NET model that trained it answers, on every row of its data set.
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
        var directory = CommittedSamples.PathOf(sample, version);
        var manifest = ManifestSerializer.Read(directory);
        var artifact = Path.Combine(directory, ModelFormats.ArtifactFile(manifest.Format));
        using var runtime = RuntimeFactories.Default().Single(f => f.Format == manifest.Format).Load(artifact);

        var inputs = FeatureTensors.ForRows(manifest.Signature.Inputs, trained.Data, 0, trained.Data.Rows);
        var outputs = await runtime.RunAsync(inputs, [.. manifest.Signature.Outputs.Select(o => o.SourceName)], TestContext.Current.CancellationToken);

        Assert.Equal(recipe.Outputs.Select(o => o.Name), manifest.Signature.Outputs.Select(o => o.Name));
        for (var i = 0; i < outputs.Length; i++)
        {
            var spec = manifest.Signature.Outputs[i];
            var served = TensorValues.ToDoubles(outputs[i]);
            var reference = expected[spec.Name];
            var width = served.Length / trained.Data.Rows;
            Assert.Equal(trained.Data.Rows * reference[0].Length, served.Length);
            for (var row = 0; row < trained.Data.Rows; row++)
            {
                for (var j = 0; j < width; j++)
                {
                    AssertSame(spec, row, reference[row][j], served[(row * width) + j]);
                }
            }
        }
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

    private static void AssertSame(TensorSpec spec, int row, double expected, double actual)
    {
        if (spec.Datatype is "FP32" or "FP64")
        {
            Assert.True(
                Math.Abs(expected - actual) <= 1e-5 * Math.Max(1, Math.Abs(expected)),
                $"{spec.Name} row {row}: ML.NET {expected:R}, package {actual:R}");
        }
        else
        {
            Assert.True(expected == actual, $"{spec.Name} row {row}: ML.NET {expected}, package {actual}");
        }
    }
}
