using Serving.Core.Contracts;

namespace Serving.Core.Monitoring.Drift;

/// <summary>
/// One column's baseline prepared for drift tests: its reference sample (the whole training column, or the
/// baseline's 1,000 quantiles standing in as a sample of 1,000 when the column was longer), the quantile bins
/// for PSI, and the counts per value when it has few distinct values.
/// </summary>
public sealed class FeatureReference
{
    /// <summary>Columns with more distinct values than this are numeric for the tests; fewer are treated as categories.</summary>
    public const int MaxCategoricalValues = 5;

    private FeatureReference(string name, long rows, double std, double[] sample, IReadOnlyList<double> binEdges, IReadOnlyList<long> binCounts, double[]? categories, long[]? categoryCounts)
    {
        Name = name;
        Rows = rows;
        Std = std;
        Sample = sample;
        BinEdges = binEdges;
        BinCounts = binCounts;
        Categories = categories;
        CategoryCounts = categoryCounts;
    }

    public string Name { get; }

    /// <summary>Training rows the baseline summarizes (decides between tests and distances).</summary>
    public long Rows { get; }

    /// <summary>Population standard deviation of the training column.</summary>
    public double Std { get; }

    /// <summary>The reference sample, sorted.</summary>
    public double[] Sample { get; }

    public IReadOnlyList<double> BinEdges { get; }

    public IReadOnlyList<long> BinCounts { get; }

    /// <summary>The distinct values, ascending, when there are at most <see cref="MaxCategoricalValues"/>; else null (numeric).</summary>
    public double[]? Categories { get; }

    /// <summary>Reference rows per value of <see cref="Categories"/>.</summary>
    public long[]? CategoryCounts { get; }

    /// <summary>Whether the column is tested as numeric (more than five distinct values).</summary>
    public bool IsNumeric => Categories is null;

    /// <summary>From a numeric feature's baseline; null when the baseline holds no values.</summary>
    public static FeatureReference? From(FeatureBaseline baseline)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        if (baseline.Values.Count == 0)
        {
            return null;
        }

        var sample = baseline.Values.ToArray();
        Array.Sort(sample);
        double[]? categories = null;
        long[]? counts = null;
        var distinct = sample.Distinct().Count();
        if (distinct <= MaxCategoricalValues)
        {
            var groups = sample.GroupBy(v => v).OrderBy(g => g.Key).ToList();
            categories = [.. groups.Select(g => g.Key)];

            // A quantile sample stands for Count rows: scale its counts back to rows.
            var scale = baseline.ValuesAreQuantiles ? (double)baseline.Count / sample.Length : 1.0;
            counts = [.. groups.Select(g => (long)Math.Round(g.Count() * scale))];
        }

        return new FeatureReference(baseline.Name, baseline.Count, baseline.Std, sample, baseline.BinEdges, baseline.BinCounts, categories, counts);
    }

    /// <summary>From class counts (a classifier's predictions): categorical by construction.</summary>
    public static FeatureReference? FromClasses(string name, IReadOnlyDictionary<string, long> classes)
    {
        ArgumentNullException.ThrowIfNull(classes);
        var parsed = classes
            .Select(c => (Ok: double.TryParse(c.Key, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v), Value: v, Count: c.Value))
            .Where(c => c.Ok)
            .OrderBy(c => c.Value)
            .ToList();
        if (parsed.Count == 0)
        {
            return null;
        }

        var rows = parsed.Sum(c => c.Count);
        return new FeatureReference(name, rows, 0, [], [], [], [.. parsed.Select(c => c.Value)], [.. parsed.Select(c => c.Count)]);
    }
}
