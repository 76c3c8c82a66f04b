namespace Serving.Core.Contracts;

/// <summary>Statistics of the training data, recorded at packaging time; drift is measured against them.</summary>
public sealed record BaselineStatistics
{
    public int Rows { get; init; }

    /// <summary>One entry per feature, in column order.</summary>
    public required IReadOnlyList<FeatureBaseline> Features { get; init; }

    /// <summary>Distribution of the training label.</summary>
    public DistributionBaseline? Label { get; init; }

    /// <summary>Distribution of the model's own predictions on the training data.</summary>
    public DistributionBaseline? Prediction { get; init; }
}

/// <summary>Summary of one numeric column.</summary>
public sealed record FeatureBaseline
{
    public required string Name { get; init; }

    public long Count { get; init; }

    public long Missing { get; init; }

    public double Mean { get; init; }

    public double Std { get; init; }

    public double Min { get; init; }

    public double Max { get; init; }

    /// <summary>Quantile bin edges (ascending, first = min, last = max); bins are [e_i, e_i+1).</summary>
    public required IReadOnlyList<double> BinEdges { get; init; }

    /// <summary>Training rows in each bin; one fewer entry than <see cref="BinEdges"/>.</summary>
    public required IReadOnlyList<long> BinCounts { get; init; }

    /// <summary>
    /// The empirical distribution for KS: the whole sorted column when it is small, else up to 1,000 quantiles
    /// (see <see cref="ValuesAreQuantiles"/>).
    /// </summary>
    public required IReadOnlyList<double> Values { get; init; }

    public bool ValuesAreQuantiles { get; init; }
}

/// <summary>A label or prediction distribution: class counts for classifiers, a numeric summary for regression.</summary>
public sealed record DistributionBaseline
{
    /// <summary>Rows per class, keyed by class (index as text, or name).</summary>
    public IReadOnlyDictionary<string, long>? Classes { get; init; }

    public FeatureBaseline? Numeric { get; init; }
}
