namespace Serving.Cli.Retraining.DvcLive;

/// <summary>One value of a training curve: a metric (DVCLive name, e.g. <c>eval/accuracy</c>) at a step.</summary>
public sealed record TrainingStep(string Metric, long Step, double Value);
