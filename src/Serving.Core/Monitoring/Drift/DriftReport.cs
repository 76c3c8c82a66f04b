namespace Serving.Core.Monitoring.Drift;

/// <summary>The drift report of one model: one entry per loaded version, ascending.</summary>
public sealed record DriftReport(string Model, IReadOnlyList<VersionDriftReport> Versions);
