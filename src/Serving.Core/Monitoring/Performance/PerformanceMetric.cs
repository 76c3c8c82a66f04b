namespace Serving.Core.Monitoring.Performance;

/// <summary>One named figure of a window; null when it is undefined there (one class only, no probabilities, 0/0).</summary>
public sealed record PerformanceMetric(string Name, double? Value);
