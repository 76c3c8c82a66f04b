using Serving.Cli.Training;
using Serving.Core.Contracts;
using Serving.Core.Packaging;

namespace Serving.Cli.Retraining;

/// <summary>A <c>builtin</c> job: the sample's ML.NET recipe (fixed seed, one thread) trained on the run's training rows.</summary>
internal static class BuiltinTrainer
{
    public static TrainedCandidate Train(JobContext context)
    {
        var recipe = SampleCatalog.Of(context.Job.Sample!).Single(r => r.Version == context.Job.Recipe);
        var train = CsvDataSet.Load(context.Data.TrainPath);
        var trained = SampleTrainer.Train(recipe, train);
        var artifact = Path.Combine(context.Run.Directory, ModelFormats.ArtifactFile(recipe.Format));
        trained.SaveArtifact(artifact);
        context.Run.Log($"trained {recipe.Sample} recipe {recipe.Version} ({recipe.Description}) on {context.Data.TrainRows} rows; ML.NET's own held-out metrics: "
            + string.Join(", ", trained.Metrics.Select(m => $"{m.Key} {m.Value:F4}")));
        return new TrainedCandidate(SampleTrainer.Request(trained, artifact, registry: string.Empty) with
        {
            ModelName = context.Model,
            Trainer = $"serving retrainer (builtin {recipe.Sample} recipe {recipe.Version}: {recipe.Description}, seed {SampleTrainer.Seed})",
        })
        {
            Steps = DvcLive.FastTreeSteps.Measure(trained, train, CsvDataSet.Load(context.Data.HeldOutPath)),
        };
    }
}
