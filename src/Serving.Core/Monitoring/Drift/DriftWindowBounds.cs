namespace Serving.Core.Monitoring.Drift;

/// <summary>A window's time span and the rows it saw (a time window may test a uniform sample of them).</summary>
public sealed record DriftWindowBounds(DateTimeOffset Start, DateTimeOffset End, long Rows);
