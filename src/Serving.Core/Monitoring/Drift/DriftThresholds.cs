using System.Globalization;

namespace Serving.Core.Monitoring.Drift;

/// <summary>
/// The decision rules for one model, Evidently's defaults unless configured: which test a feature gets depends
/// on its baseline (rows and distinct values), and each test has its own threshold.
/// </summary>
public sealed record DriftThresholds
{
    /// <summary>Baselines with at most this many rows get the statistical tests (KS, chi-square, z); larger ones the distances.</summary>
    public int SmallReferenceRows { get; init; } = 1000;

    /// <summary>KS drifts when p ≤ this.</summary>
    public double KsPValue { get; init; } = 0.05;

    /// <summary>Chi-square drifts when p &lt; this.</summary>
    public double ChiSquarePValue { get; init; } = 0.05;

    /// <summary>The two-proportion z-test drifts when p &lt; this.</summary>
    public double ZTestPValue { get; init; } = 0.05;

    /// <summary>Normalized Wasserstein drifts when ≥ this.</summary>
    public double Wasserstein { get; init; } = 0.1;

    /// <summary>Jensen–Shannon distance drifts when ≥ this.</summary>
    public double JensenShannon { get; init; } = 0.1;

    /// <summary>PSI is flagged (as its own verdict) when ≥ this.</summary>
    public double Psi { get; init; } = 0.2;

    /// <summary>The dataset drifts when at least this share of its features drift.</summary>
    public double DatasetDriftShare { get; init; } = 0.5;

    /// <summary>Problems with these values, as configuration messages; empty when valid.</summary>
    public IEnumerable<string> Validate(string prefix)
    {
        if (SmallReferenceRows < 0)
        {
            yield return $"{prefix}:SmallReferenceRows is '{SmallReferenceRows}'; use a whole number of at least 0";
        }

        foreach (var (name, value) in new[]
        {
            ("KsPValue", KsPValue), ("ChiSquarePValue", ChiSquarePValue), ("ZTestPValue", ZTestPValue),
            ("DatasetDriftShare", DatasetDriftShare),
        })
        {
            if (!(value is > 0 and <= 1))
            {
                yield return $"{prefix}:{name} is '{value.ToString(CultureInfo.InvariantCulture)}'; use a number above 0 and at most 1";
            }
        }

        foreach (var (name, value) in new[] { ("Wasserstein", Wasserstein), ("JensenShannon", JensenShannon), ("Psi", Psi) })
        {
            if (!(value > 0) || double.IsInfinity(value))
            {
                yield return $"{prefix}:{name} is '{value.ToString(CultureInfo.InvariantCulture)}'; use a positive number";
            }
        }
    }
}
