using Serving.Core.Contracts;
using Serving.Core.Rollouts;
using Serving.Core.Tests.Support;

namespace Serving.Core.Tests.Rollouts;

public sealed class PredictionBinsTests
{
    private static PredictionBins Bins(string task, IReadOnlyList<string>? classes = null, BaselineStatistics? baseline = null)
    {
        var manifest = TestRegistry.Manifest("0");
        return PredictionBins.For(manifest with { Task = task, Signature = manifest.Signature with { Classes = classes }, Baseline = baseline });
    }

    private static long[] Count(PredictionBins bins, Tensor output)
    {
        var counts = new long[bins.Count];
        bins.Add(output, counts);
        return counts;
    }

    [Fact]
    public void Class_labels_count_by_class_index()
    {
        var counts = Count(Bins(ModelTasks.Multiclass), Tensor.FromValues("label", TensorDataType.Int64, [4], (ReadOnlySpan<long>)[0, 2, 2, 1]));

        Assert.Equal([1, 1, 2], counts[..3]);
    }

    [Fact]
    public void Class_probabilities_count_their_most_probable_class()
    {
        var probabilities = Tensor.FromValues("probabilities", TensorDataType.FP32, [2, 3], (ReadOnlySpan<float>)[0.1f, 0.7f, 0.2f, 0.6f, 0.3f, 0.1f]);

        var counts = Count(Bins(ModelTasks.Multiclass), probabilities);

        Assert.Equal([1, 1, 0], counts[..3]);
    }

    [Fact]
    public void Class_names_count_by_their_place_in_the_manifest_and_unknown_ones_as_other()
    {
        var labels = Tensor.FromElements("label", [3], [.. new[] { "virginica", "setosa", "unheard-of" }.Select(System.Text.Encoding.UTF8.GetBytes)]);

        var counts = Count(Bins(ModelTasks.Multiclass, ["setosa", "versicolor", "virginica"]), labels);

        Assert.Equal([1, 0, 1], counts[..3]);
        Assert.Equal(1, counts[^1]);
    }

    [Fact]
    public void Class_indexes_beyond_the_bins_share_the_last_one()
    {
        var counts = Count(Bins(ModelTasks.Multiclass), Tensor.FromValues("label", TensorDataType.Int64, [2], (ReadOnlySpan<long>)[500, -1]));

        Assert.Equal(2, counts[^1]);
        Assert.Equal(PredictionBins.MaxBins, counts.Length);
    }

    [Fact]
    public void Regression_values_fall_between_the_baseline_prediction_quantiles()
    {
        var baseline = new BaselineStatistics
        {
            Features = [],
            Prediction = new DistributionBaseline
            {
                Numeric = new FeatureBaseline { Name = "y", BinEdges = [0, 10, 20, 30], BinCounts = [1, 1, 1], Values = [] },
            },
        };
        var bins = Bins(ModelTasks.Regression, baseline: baseline);

        var counts = Count(bins, Tensor.FromValues("y", TensorDataType.FP64, [4], (ReadOnlySpan<double>)[5, 15, 25, 99]));

        Assert.Equal(3, bins.Count);
        Assert.Equal([1, 1, 2], counts);
    }
}
