using Microsoft.ML;
using Serving.Core.Contracts;
using Serving.Core.Packaging;

namespace Serving.Cli.Training;

/// <summary>
/// Trains the sample models reproducibly (fixed seed, one thread) and packages them through
/// <see cref="PackageBuilder"/>, the same path <c>serving package</c> takes.
/// </summary>
public sealed class SampleTrainer(PackageBuilder builder)
{
    /// <summary>The seed every sample is trained with.</summary>
    public const int Seed = 42;

    /// <summary>Trains one recipe on the CSV found in <paramref name="dataDirectory"/>.</summary>
    public static TrainedSample Train(SampleRecipe recipe, string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        return Train(recipe, CsvDataSet.Load(Path.Combine(dataDirectory, recipe.DataFile)));
    }

    /// <summary>Trains one recipe on <paramref name="data"/> (features and a <c>target</c> column), as the retrainer does on its combined CSV.</summary>
    public static TrainedSample Train(SampleRecipe recipe, CsvDataSet data)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        ArgumentNullException.ThrowIfNull(data);
        var features = data.ColumnNames.Where(c => c != "target").ToList();
        var ml = new MLContext(seed: Seed);
        var all = Labelled(ml, recipe.Task, data, features);
        var split = ml.Data.TrainTestSplit(all, testFraction: 0.2, seed: Seed);
        var metrics = SampleMetrics.Measure(ml, recipe.Task, Fit(ml, recipe, split.TrainSet).Transform(split.TestSet));
        return new TrainedSample(recipe, ml, Fit(ml, recipe, all), data, features, metrics);
    }

    /// <summary>Trains a recipe and publishes it to <paramref name="registry"/> as <paramref name="version"/> (null: the next one).</summary>
    public async Task<PackageResult> TrainAndPackageAsync(SampleRecipe recipe, string dataDirectory, string registry, int? version, string? codeCommit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        var trained = Train(recipe, dataDirectory);
        var workDirectory = Directory.CreateTempSubdirectory("serving-train-");
        try
        {
            var artifact = Path.Combine(workDirectory.FullName, ModelFormats.ArtifactFile(recipe.Format));
            trained.SaveArtifact(artifact);
            return await builder.BuildAsync(
                Request(trained, artifact, registry) with
                {
                    Version = version,
                    Trainer = $"serving train {recipe.Sample} --version {recipe.Version}: {recipe.Description}, seed {Seed}",
                    CodeCommit = codeCommit,
                },
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            workDirectory.Delete(recursive: true);
        }
    }

    /// <summary>
    /// How a trained sample is packaged: its data as training data, <c>target</c> as the label, the <c>Features</c>
    /// vector served as <c>input</c> and the recipe's outputs under their public names.
    /// </summary>
    public static PackageRequest Request(TrainedSample trained, string artifact, string registry)
    {
        ArgumentNullException.ThrowIfNull(trained);
        var recipe = trained.Recipe;
        return new PackageRequest
        {
            ArtifactPath = artifact,
            ModelName = recipe.Sample,
            RegistryPath = registry,
            Format = recipe.Format,
            TrainingDataPath = trained.Data.Path,
            Label = "target",
            Task = recipe.Task,
            Inputs = [new TensorRename("input", MLNetRows.Features)],
            Outputs = recipe.Outputs.Select(o => new TensorRename(o.Name, ArtifactName(recipe.Format, o.Column))).ToList(),
            PredictionOutput = recipe.Outputs[0].Name,
            Classes = recipe.Classes,
            Metrics = trained.Metrics,
        };
    }

    /// <summary>The name an ML.NET column gets in the artifact: ONNX export appends <c>.output</c>.</summary>
    public static string ArtifactName(string format, string column) => format == ModelFormats.Onnx ? column + ".output" : column;

    private static ITransformer Fit(MLContext ml, SampleRecipe recipe, IDataView data) =>
        recipe.Estimator(ml).Fit(Keyed(ml, recipe.Task, data));

    // Multiclass trainers need a key-typed label. Mapping it outside the served pipeline keeps the exported model
    // free of a Label input; the key's values still travel with the scores, so MapKeyToValue restores 0, 1, 2.
    private static IDataView Keyed(MLContext ml, string task, IDataView data) =>
        task == ModelTasks.Multiclass
            ? ml.Transforms.Conversion.MapValueToKey(MLNetRows.Label, keyOrdinality: Microsoft.ML.Transforms.ValueToKeyMappingEstimator.KeyOrdinality.ByValue).Fit(data).Transform(data)
            : data;

    private static IDataView Labelled(MLContext ml, string task, CsvDataSet data, IReadOnlyList<string> features) => task switch
    {
        ModelTasks.Binary => MLNetRows.Binary(ml, data, features, "target"),
        ModelTasks.Multiclass => MLNetRows.Multiclass(ml, data, features, "target"),
        _ => MLNetRows.Regression(ml, data, features, "target"),
    };
}
