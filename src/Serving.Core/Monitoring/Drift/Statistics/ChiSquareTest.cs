namespace Serving.Core.Monitoring.Drift.Statistics;

/// <summary>
/// Pearson's chi-square goodness of fit of current category counts against the reference's, as Evidently
/// runs it: expected = reference count × n_current / n_reference, k − 1 degrees of freedom.
/// </summary>
public static class ChiSquareTest
{
    /// <summary>Counts are paired by category; a category the reference never saw but the window did gives p = 0.</summary>
    public static TestResult Test(IReadOnlyList<long> reference, IReadOnlyList<long> current)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(current);
        if (reference.Count != current.Count || reference.Count < 2)
        {
            throw new ArgumentException("chi-square needs two or more categories, counted in both samples");
        }

        double nRef = reference.Sum(), nCur = current.Sum();
        var statistic = 0.0;
        for (var i = 0; i < reference.Count; i++)
        {
            var expected = reference[i] * nCur / nRef;
            var difference = current[i] - expected;
            statistic += expected == 0
                ? (current[i] == 0 ? double.NaN : double.PositiveInfinity)
                : difference * difference / expected;
        }

        if (double.IsNaN(statistic))
        {
            // 0/0 for a category neither sample holds: SciPy answers NaN; such categories never reach here.
            return new TestResult(statistic, double.NaN);
        }

        return new TestResult(statistic, Sf(statistic, reference.Count - 1));
    }

    /// <summary>Survival function of the chi-square distribution with <paramref name="degreesOfFreedom"/>.</summary>
    public static double Sf(double statistic, int degreesOfFreedom) =>
        GammaFunctions.UpperRegularized(degreesOfFreedom / 2.0, statistic / 2.0);
}
