using Serving.Core.Monitoring.Drift.Statistics;

namespace Serving.Core.Monitoring.Drift;

/// <summary>
/// Picks and runs the test for one feature as Evidently does by default: with a baseline of at most
/// <see cref="DriftThresholds.SmallReferenceRows"/> rows, KS for numeric columns (more than five distinct
/// values), chi-square for three to five values, the two-proportion z-test for two or fewer; with a larger
/// baseline, the normalized Wasserstein distance for numeric columns and Jensen–Shannon for the rest.
/// </summary>
public static class FeatureDriftCalculator
{
    /// <summary>Tests one window column (finite values, any order; sorted in place) against its reference.</summary>
    public static FeatureDrift Compute(FeatureReference reference, double[] window, DriftThresholds thresholds)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(thresholds);
        if (window.Length == 0)
        {
            throw new ArgumentException("a window needs at least one value", nameof(window));
        }

        Array.Sort(window);
        var small = reference.Rows <= thresholds.SmallReferenceRows;
        return reference.IsNumeric ? Numeric(reference, window, thresholds, small) : Categorical(reference, window, thresholds, small);
    }

    private static FeatureDrift Numeric(FeatureReference reference, double[] window, DriftThresholds thresholds, bool small)
    {
        var wasserstein = WassersteinDistance.Normalized(WassersteinDistance.ComputeSorted(window, reference.Sample), reference.Std);
        double? psi = reference.BinCounts.Count > 0
            ? PopulationStabilityIndex.Compute(reference.BinCounts, CountBins(reference.BinEdges, window))
            : null;
        var drift = new FeatureDrift
        {
            Name = reference.Name,
            Method = DriftMethods.Wasserstein,
            Statistic = wasserstein,
            Threshold = thresholds.Wasserstein,
            Drifted = wasserstein >= thresholds.Wasserstein,
            Rows = window.Length,
            Psi = psi,
            PsiThreshold = psi is null ? null : thresholds.Psi,
            PsiDrifted = psi is null ? null : psi >= thresholds.Psi,
            Wasserstein = wasserstein,
        };
        if (!small)
        {
            return drift;
        }

        var ks = TwoSampleKolmogorovSmirnov.TestSorted(reference.Sample, window);
        return drift with
        {
            Method = DriftMethods.KolmogorovSmirnov,
            Statistic = ks.Statistic,
            PValue = ks.PValue,
            Threshold = thresholds.KsPValue,
            Drifted = ks.PValue <= thresholds.KsPValue,
        };
    }

    private static FeatureDrift Categorical(FeatureReference reference, double[] window, DriftThresholds thresholds, bool small)
    {
        // Categories are the union of the reference's values and the window's, ascending.
        var categories = reference.Categories!.Concat(window).Distinct().Order().ToArray();
        var referenceCounts = new long[categories.Length];
        var currentCounts = new long[categories.Length];
        for (var i = 0; i < reference.Categories!.Length; i++)
        {
            referenceCounts[Array.BinarySearch(categories, reference.Categories[i])] += reference.CategoryCounts![i];
        }

        foreach (var value in window)
        {
            currentCounts[Array.BinarySearch(categories, value)]++;
        }

        if (!small)
        {
            var js = JensenShannonDistance.Compute([.. referenceCounts.Select(c => (double)c)], [.. currentCounts.Select(c => (double)c)]);
            return new FeatureDrift
            {
                Name = reference.Name, Method = DriftMethods.JensenShannon, Statistic = js,
                Threshold = thresholds.JensenShannon, Drifted = js >= thresholds.JensenShannon, Rows = window.Length,
            };
        }

        if (categories.Length <= 2)
        {
            var z = TwoProportionZTest.Test(referenceCounts[0], referenceCounts.Sum(), currentCounts[0], currentCounts.Sum());
            return new FeatureDrift
            {
                Name = reference.Name, Method = DriftMethods.ZTest, Statistic = z.Statistic, PValue = z.PValue,
                Threshold = thresholds.ZTestPValue, Drifted = z.PValue < thresholds.ZTestPValue, Rows = window.Length,
            };
        }

        var chi = ChiSquareTest.Test(referenceCounts, currentCounts);
        return new FeatureDrift
        {
            Name = reference.Name, Method = DriftMethods.ChiSquare, Statistic = chi.Statistic, PValue = chi.PValue,
            Threshold = thresholds.ChiSquarePValue, Drifted = chi.PValue < thresholds.ChiSquarePValue, Rows = window.Length,
        };
    }

    // Bins [e_i, e_i+1) with the last one closed, values outside the baseline's range in the end bins: the
    // same counting the baseline's own bin counts used.
    private static long[] CountBins(IReadOnlyList<double> edges, double[] sorted)
    {
        var counts = new long[edges.Count - 1];
        foreach (var value in sorted)
        {
            var upper = 0;
            while (upper < edges.Count && edges[upper] <= value)
            {
                upper++;
            }

            counts[Math.Clamp(upper - 1, 0, counts.Length - 1)]++;
        }

        return counts;
    }
}
