using Serving.Core.Contracts;

namespace Serving.Core.Packaging;

/// <summary>
/// Computes the per-column baseline that drift is measured against. Quantiles use linear interpolation between
/// order statistics (NumPy's default), the standard deviation is the population one (ddof = 0), and missing
/// values (NaN) are counted and left out of everything else.
/// </summary>
public static class BaselineCalculator
{
    /// <summary>Number of quantile bins; there is one more edge than bins.</summary>
    public const int Bins = 10;

    /// <summary>Columns with at most this many values keep all of them; longer ones keep this many quantiles.</summary>
    public const int MaxValues = 1000;

    /// <summary>Summarises one column; with <paramref name="roundToFloat32"/> every value is first rounded as an FP32 input would be.</summary>
    public static FeatureBaseline Describe(string name, IReadOnlyList<double> column, bool roundToFloat32)
    {
        ArgumentNullException.ThrowIfNull(column);
        var sorted = column.Where(v => !double.IsNaN(v)).Select(v => roundToFloat32 ? (double)(float)v : v).ToArray();
        Array.Sort(sorted);
        var missing = column.Count - sorted.Length;
        if (sorted.Length == 0)
        {
            return new FeatureBaseline { Name = name, Count = 0, Missing = missing, BinEdges = [], BinCounts = [], Values = [] };
        }

        var mean = sorted.Average();
        var variance = sorted.Sum(v => (v - mean) * (v - mean)) / sorted.Length;
        var edges = Enumerable.Range(0, Bins + 1).Select(i => Quantile(sorted, (double)i / Bins)).ToArray();
        var useQuantiles = sorted.Length > MaxValues;
        var values = useQuantiles
            ? Enumerable.Range(0, MaxValues).Select(i => Quantile(sorted, (double)i / (MaxValues - 1))).ToArray()
            : sorted;
        return new FeatureBaseline
        {
            Name = name,
            Count = sorted.Length,
            Missing = missing,
            Mean = mean,
            Std = Math.Sqrt(variance),
            Min = sorted[0],
            Max = sorted[^1],
            BinEdges = edges,
            BinCounts = CountBins(sorted, edges),
            Values = values,
            ValuesAreQuantiles = useQuantiles,
        };
    }

    /// <summary>Rows per class, keyed by the class's text (see <see cref="ClassKey"/>).</summary>
    public static IReadOnlyDictionary<string, long> CountClasses(IEnumerable<double> classes) =>
        classes.Where(v => !double.IsNaN(v))
            .GroupBy(v => v)
            .OrderBy(g => g.Key)
            .ToDictionary(g => ClassKey(g.Key), g => (long)g.Count(), StringComparer.Ordinal);

    /// <summary>The text a class value is keyed by: <c>1</c> for 1.0, <c>2.5</c> for 2.5.</summary>
    public static string ClassKey(double value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The q-quantile of sorted values, interpolating linearly between neighbours.</summary>
    public static double Quantile(IReadOnlyList<double> sorted, double q)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        var position = q * (sorted.Count - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, sorted.Count - 1);
        var fraction = position - lower;
        return sorted[lower] + ((sorted[upper] - sorted[lower]) * fraction);
    }

    // Bins are [e_i, e_i+1) except the last, which also holds the maximum (as numpy.histogram counts).
    private static long[] CountBins(double[] sorted, double[] edges)
    {
        var counts = new long[edges.Length - 1];
        foreach (var value in sorted)
        {
            var bin = UpperBound(edges, value) - 1;
            counts[Math.Clamp(bin, 0, counts.Length - 1)]++;
        }

        return counts;
    }

    // Index of the first edge greater than value.
    private static int UpperBound(double[] edges, double value)
    {
        int lo = 0, hi = edges.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (edges[mid] <= value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
