namespace Serving.Core.Monitoring.Drift.Statistics;

/// <summary>A two-sample Kolmogorov–Smirnov result: the statistic D, its two-sided p-value and how it was computed.</summary>
public readonly record struct KsResult(double Statistic, double PValue, KsMethod Method);
