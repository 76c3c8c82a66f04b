namespace Serving.Core.Monitoring.Drift.Statistics;

/// <summary>
/// The first Wasserstein (earth mover's) distance between two empirical distributions, ∫ |F1 − F2| dx, as
/// <c>scipy.stats.wasserstein_distance</c> computes it for unweighted samples.
/// </summary>
public static class WassersteinDistance
{
    /// <summary>Both samples sorted ascending and non-empty.</summary>
    public static double ComputeSorted(ReadOnlySpan<double> first, ReadOnlySpan<double> second)
    {
        if (first.IsEmpty || second.IsEmpty)
        {
            throw new ArgumentException("both samples need at least one value");
        }

        double n1 = first.Length, n2 = second.Length;
        int i = 0, j = 0;
        var previous = Math.Min(first[0], second[0]);
        var distance = 0.0;
        while (i < first.Length || j < second.Length)
        {
            var x = j >= second.Length || (i < first.Length && first[i] <= second[j]) ? first[i] : second[j];
            distance += Math.Abs((i / n1) - (j / n2)) * (x - previous);
            while (i < first.Length && first[i] <= x)
            {
                i++;
            }

            while (j < second.Length && second[j] <= x)
            {
                j++;
            }

            previous = x;
        }

        return distance;
    }

    /// <summary>The distance divided by the reference's standard deviation, floored at 0.001 (Evidently's normalization).</summary>
    public static double Normalized(double distance, double referenceStd) => distance / Math.Max(referenceStd, 0.001);
}
