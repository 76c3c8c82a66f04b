using Serving.Core.Contracts;

namespace Serving.Cli.Retraining;

/// <summary>What a job is given: the model, its job, the run's data and folder, and the stable version's manifest.</summary>
public sealed record JobContext(string Model, RetrainJob Job, RetrainRun Run, TrainingSet Data, ModelManifest? Stable, TimeProvider Time);
