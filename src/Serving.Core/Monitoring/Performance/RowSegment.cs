namespace Serving.Core.Monitoring.Performance;

/// <summary>Consecutive rows of one prediction inside one window.</summary>
internal readonly record struct RowSegment(PerformanceWindow Window, int First, int Count);
