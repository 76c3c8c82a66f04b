namespace Serving.Core.Monitoring.Performance;

/// <summary>One window as the report shows it: when its predictions were made, how many, how many got a label, and the metrics.</summary>
/// <param name="Start">Time of its first prediction.</param>
/// <param name="End">Time of its last prediction.</param>
/// <param name="Rows">Predicted rows.</param>
/// <param name="Labels">Rows that got a label.</param>
/// <param name="LabelCoverage">Labels / Rows.</param>
/// <param name="Metrics">Classification or regression metrics over the labelled rows.</param>
public sealed record WindowSummary(DateTimeOffset Start, DateTimeOffset End, int Rows, int Labels, double LabelCoverage, IReadOnlyList<PerformanceMetric> Metrics);
