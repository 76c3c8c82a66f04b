namespace Serving.Core.Monitoring.Drift.Statistics;

/// <summary>How a two-sample KS p-value was computed, as SciPy's <c>ks_2samp</c> names it.</summary>
public enum KsMethod
{
    /// <summary>The exact distribution of D for the two sample sizes.</summary>
    Exact,

    /// <summary>Kolmogorov's distribution at n = round(n1·n2 / (n1 + n2)).</summary>
    Asymptotic,
}
