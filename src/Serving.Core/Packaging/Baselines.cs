using Serving.Core.Contracts;

namespace Serving.Core.Packaging;

/// <summary>Assembles the manifest's baseline and warm-up examples from the training CSV and the model's predictions.</summary>
public static class Baselines
{
    /// <summary>Per-feature statistics (rounded to FP32 for FP32 inputs), the label distribution and the prediction distribution.</summary>
    public static BaselineStatistics Compute(
        CsvDataSet data, string label, IReadOnlyList<TensorSpec> inputs, string task, string predictionOutput, IReadOnlyList<double> predictions)
    {
        ArgumentNullException.ThrowIfNull(data);
        var features = FeaturesOf(inputs)
            .Select(f => BaselineCalculator.Describe(f.Name, data.Column(f.Name), f.Float32))
            .ToList();
        return new BaselineStatistics
        {
            Rows = data.Rows,
            Features = features,
            Label = Distribution(label, data.Column(label), task),
            Prediction = Distribution(predictionOutput, predictions, task),
        };
    }

    /// <summary>The first rows of the CSV as feature-to-value maps, rounded as the model's inputs will see them.</summary>
    public static IReadOnlyList<IReadOnlyDictionary<string, double>> Examples(CsvDataSet data, IReadOnlyList<TensorSpec> inputs, int rows)
    {
        ArgumentNullException.ThrowIfNull(data);
        var features = FeaturesOf(inputs);
        return Enumerable.Range(0, Math.Min(rows, data.Rows))
            .Select(r => (IReadOnlyDictionary<string, double>)features.ToDictionary(
                f => f.Name,
                f => f.Float32 ? (float)data.Column(f.Name)[r] : data.Column(f.Name)[r],
                StringComparer.Ordinal))
            .ToList();
    }

    private static DistributionBaseline Distribution(string name, IReadOnlyList<double> values, string task) =>
        ModelTasks.IsClassification(task)
            ? new DistributionBaseline { Classes = BaselineCalculator.CountClasses(values) }
            : new DistributionBaseline { Numeric = BaselineCalculator.Describe(name, values, roundToFloat32: false) };

    private static List<(string Name, bool Float32)> FeaturesOf(IReadOnlyList<TensorSpec> inputs) =>
        inputs.SelectMany(i => (i.Features ?? [i.Name]).Select(f => (f, i.Datatype == "FP32"))).ToList();
}
