namespace Serving.Core.Monitoring.Drift;

/// <summary>
/// One feature's drift in one window: the test its baseline calls for (<see cref="DriftMethods"/>), its
/// statistic, p-value (null for distances), threshold and verdict, plus PSI (with its own verdict) and the
/// normalized Wasserstein distance for numeric features.
/// </summary>
public sealed record FeatureDrift
{
    public required string Name { get; init; }

    public required string Method { get; init; }

    public required double Statistic { get; init; }

    public double? PValue { get; init; }

    public required double Threshold { get; init; }

    public required bool Drifted { get; init; }

    /// <summary>Window rows that held a finite value for this feature.</summary>
    public int Rows { get; init; }

    public double? Psi { get; init; }

    public double? PsiThreshold { get; init; }

    public bool? PsiDrifted { get; init; }

    public double? Wasserstein { get; init; }
}
