namespace Serving.Core.Monitoring.Drift.Statistics;

/// <summary>A test statistic and its p-value.</summary>
public readonly record struct TestResult(double Statistic, double PValue);
