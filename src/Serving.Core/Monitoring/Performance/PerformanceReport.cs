namespace Serving.Core.Monitoring.Performance;

/// <summary>Live performance of one model: one entry per version that has served predictions, in ascending version order.</summary>
public sealed record PerformanceReport(string Model, IReadOnlyList<VersionPerformance> Versions);
