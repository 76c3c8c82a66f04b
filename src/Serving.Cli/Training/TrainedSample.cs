using Microsoft.ML;
using Microsoft.ML.Data;
using Serving.Core.Contracts;
using Serving.Core.Packaging;

namespace Serving.Cli.Training;

/// <summary>A sample model as ML.NET trained it, before export: it can save its artifact and predict with ML.NET itself.</summary>
public sealed class TrainedSample
{
    internal TrainedSample(SampleRecipe recipe, MLContext context, ITransformer model, CsvDataSet data, IReadOnlyList<string> features, IReadOnlyDictionary<string, double> metrics)
    {
        Recipe = recipe;
        Context = context;
        Model = model;
        Data = data;
        Features = features;
        Metrics = metrics;
    }

    public SampleRecipe Recipe { get; }

    public MLContext Context { get; }

    /// <summary>The model trained on every row of the data set.</summary>
    public ITransformer Model { get; }

    public CsvDataSet Data { get; }

    /// <summary>Feature columns, in the order of the <c>Features</c> vector.</summary>
    public IReadOnlyList<string> Features { get; }

    /// <summary>Metrics of the same recipe trained on 80% of the rows and measured on the other 20%.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; }

    /// <summary>Writes the artifact: ONNX with only the served columns as outputs, or the ML.NET model zip.</summary>
    public void SaveArtifact(string path)
    {
        var unlabelled = MLNetRows.Unlabelled(Context, Data, Features);
        using var stream = File.Create(path);
        if (Recipe.Format == ModelFormats.Onnx)
        {
            Context.Model.ConvertToOnnx(Model, unlabelled, stream, Recipe.Outputs.Select(o => o.Column).ToArray());
        }
        else
        {
            Context.Model.Save(Model, unlabelled.Schema, stream);
        }
    }

    /// <summary>ML.NET's own answers for every row of <paramref name="data"/>: one array per row for each served output, by public name.</summary>
    public IReadOnlyDictionary<string, double[][]> Predict(CsvDataSet data)
    {
        var scored = Model.Transform(MLNetRows.Unlabelled(Context, data, Features));
        return Recipe.Outputs.ToDictionary(o => o.Name, o => ReadColumn(scored, o.Column), StringComparer.Ordinal);
    }

    private static double[][] ReadColumn(IDataView scored, string column)
    {
        var type = scored.Schema[column].Type;
        return type switch
        {
            VectorDataViewType => scored.GetColumn<VBuffer<float>>(column).Select(v => v.DenseValues().Select(x => (double)x).ToArray()).ToArray(),
            _ when type.RawType == typeof(float) => scored.GetColumn<float>(column).Select(v => new[] { (double)v }).ToArray(),
            _ when type.RawType == typeof(long) => scored.GetColumn<long>(column).Select(v => new[] { (double)v }).ToArray(),
            _ when type.RawType == typeof(bool) => scored.GetColumn<bool>(column).Select(v => new[] { v ? 1.0 : 0.0 }).ToArray(),
            _ => throw new InvalidOperationException($"column '{column}' has type {type}, which the sample reader does not read"),
        };
    }
}
