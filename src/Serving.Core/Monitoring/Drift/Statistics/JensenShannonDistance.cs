namespace Serving.Core.Monitoring.Drift.Statistics;

/// <summary>
/// Jensen–Shannon distance (the square root of the divergence) with natural logarithms, as
/// <c>scipy.spatial.distance.jensenshannon</c> computes it by default and Evidently uses it: 0 for equal
/// distributions, at most √ln 2 ≈ 0.833.
/// </summary>
public static class JensenShannonDistance
{
    /// <summary>Both inputs are counts or shares per category, paired by index; each is normalized to sum to 1.</summary>
    public static double Compute(IReadOnlyList<double> reference, IReadOnlyList<double> current)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(current);
        if (reference.Count != current.Count)
        {
            throw new ArgumentException("both distributions need the same categories");
        }

        double sumP = reference.Sum(), sumQ = current.Sum();
        var divergence = 0.0;
        for (var i = 0; i < reference.Count; i++)
        {
            double p = reference[i] / sumP, q = current[i] / sumQ;
            var m = (p + q) / 2;
            divergence += RelativeEntropy(p, m) + RelativeEntropy(q, m);
        }

        return Math.Sqrt(Math.Max(divergence / 2, 0));
    }

    private static double RelativeEntropy(double p, double m) => p > 0 ? p * Math.Log(p / m) : 0;
}
