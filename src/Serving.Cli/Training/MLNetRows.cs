using Microsoft.ML;
using Microsoft.ML.Data;
using Serving.Core.Packaging;

namespace Serving.Cli.Training;

/// <summary>Turns a training CSV into ML.NET data views with one FP32 <c>Features</c> vector (and a <c>Label</c>).</summary>
internal static class MLNetRows
{
    public const string Features = "Features";
    public const string Label = "Label";

    /// <summary>Features only: the shape the exported model is given, so the export has no label input.</summary>
    public static IDataView Unlabelled(MLContext ml, CsvDataSet data, IReadOnlyList<string> features) =>
        ml.Data.LoadFromEnumerable(Rows(data, features).Select(f => new FeatureRow { Features = f }), Schema<FeatureRow>(features.Count));

    public static IDataView Binary(MLContext ml, CsvDataSet data, IReadOnlyList<string> features, string label) =>
        ml.Data.LoadFromEnumerable(
            Rows(data, features).Zip(data.Column(label), (f, y) => new BinaryRow { Features = f, Label = y != 0 }),
            Schema<BinaryRow>(features.Count));

    public static IDataView Multiclass(MLContext ml, CsvDataSet data, IReadOnlyList<string> features, string label) =>
        ml.Data.LoadFromEnumerable(
            Rows(data, features).Zip(data.Column(label), (f, y) => new MulticlassRow { Features = f, Label = (long)y }),
            Schema<MulticlassRow>(features.Count));

    public static IDataView Regression(MLContext ml, CsvDataSet data, IReadOnlyList<string> features, string label) =>
        ml.Data.LoadFromEnumerable(
            Rows(data, features).Zip(data.Column(label), (f, y) => new RegressionRow { Features = f, Label = (float)y }),
            Schema<RegressionRow>(features.Count));

    private static IEnumerable<float[]> Rows(CsvDataSet data, IReadOnlyList<string> features)
    {
        var columns = features.Select(data.Column).ToArray();
        for (var r = 0; r < data.Rows; r++)
        {
            yield return columns.Select(c => (float)c[r]).ToArray();
        }
    }

    // The vector length is known only at run time, so the schema is declared here rather than by attribute.
    private static SchemaDefinition Schema<T>(int featureCount)
    {
        var schema = SchemaDefinition.Create(typeof(T));
        schema[Features].ColumnType = new VectorDataViewType(NumberDataViewType.Single, featureCount);
        return schema;
    }

    private sealed class FeatureRow
    {
        public float[] Features { get; set; } = [];
    }

    private sealed class BinaryRow
    {
        public float[] Features { get; set; } = [];

        public bool Label { get; set; }
    }

    private sealed class MulticlassRow
    {
        public float[] Features { get; set; } = [];

        public long Label { get; set; }
    }

    private sealed class RegressionRow
    {
        public float[] Features { get; set; } = [];

        public float Label { get; set; }
    }
}
