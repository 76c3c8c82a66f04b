using Microsoft.ML;
using Microsoft.ML.Data;

namespace Serving.Core.Tests.Runtimes.MLNet;

/// <summary>Tiny ML.NET models trained in the test run and saved as model.zip files in a temporary folder.</summary>
internal sealed class MLNetTrainedModels : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mlnet-runtime-tests-").FullName;

    public MLContext Context { get; } = new(seed: 1);

    public static HouseRow[] Houses { get; } = [.. Enumerable.Range(0, 60).Select(i => new HouseRow
    {
        Size = 40 + (i * 7 % 90),
        Rooms = 1 + (i % 5),
        Age = i * 3 % 40,
        Price = (40 + (i * 7 % 90)) * 2.5f + (1 + (i % 5)) * 10 - (i * 3 % 40) * 0.8f,
    })];

    public static ReviewRow[] Reviews { get; } = [.. Enumerable.Range(0, 40).Select(i => new ReviewRow
    {
        Text = i % 2 == 0 ? $"great product works well {i}" : $"terrible broken waste {i}",
        Stars = i % 2 == 0 ? 4.5f : 1.5f,
        Positive = i % 2 == 0,
    })];

    public static IrisRow[] Flowers { get; } = [.. Enumerable.Range(0, 45).Select(i => new IrisRow
    {
        Features = [i % 3 + (i % 7) * 0.1f, (i % 3) * 2f - (i % 5) * 0.05f, 1f + (i % 4) * 0.2f],
        Species = (i % 3) switch { 0 => "setosa", 1 => "versicolor", _ => "virginica" },
    })];

    /// <summary>Scalar FP32 inputs, concatenated, into an SDCA regression.</summary>
    public (string Path, ITransformer Model) Regression()
    {
        var data = Context.Data.LoadFromEnumerable(Houses);
        var pipeline = Context.Transforms.Concatenate("Features", nameof(HouseRow.Size), nameof(HouseRow.Rooms), nameof(HouseRow.Age))
            .Append(Context.Transforms.NormalizeMinMax("Features"))
            .Append(Context.Regression.Trainers.Sdca(labelColumnName: nameof(HouseRow.Price), maximumNumberOfIterations: 30));
        return Save("regression", pipeline.Fit(data), data.Schema);
    }

    /// <summary>A text input and a scalar input into a binary classifier (Score, PredictedLabel, Probability).</summary>
    public (string Path, ITransformer Model) Binary()
    {
        var data = Context.Data.LoadFromEnumerable(Reviews);
        var pipeline = Context.Transforms.Text.FeaturizeText("TextFeatures", nameof(ReviewRow.Text))
            .Append(Context.Transforms.Concatenate("Features", "TextFeatures", nameof(ReviewRow.Stars)))
            .Append(Context.BinaryClassification.Trainers.SdcaLogisticRegression(labelColumnName: nameof(ReviewRow.Positive), maximumNumberOfIterations: 30));
        return Save("binary", pipeline.Fit(data), data.Schema);
    }

    /// <summary>A vector input into a multiclass classifier with a key-typed PredictedLabel and a vector Score.</summary>
    public (string Path, ITransformer Model) Multiclass()
    {
        var data = Context.Data.LoadFromEnumerable(Flowers);
        var pipeline = Context.Transforms.Conversion.MapValueToKey("Label", nameof(IrisRow.Species))
            .Append(Context.MulticlassClassification.Trainers.SdcaMaximumEntropy(maximumNumberOfIterations: 30));
        return Save("multiclass", pipeline.Fit(data), data.Schema);
    }

    public string WriteFile(string name, byte[] content)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private (string Path, ITransformer Model) Save(string name, ITransformer model, DataViewSchema schema)
    {
        var path = Path.Combine(_folder, name + ".zip");
        Context.Model.Save(model, schema, path);
        return (path, model);
    }

    public sealed class HouseRow
    {
        public float Size { get; set; }

        public float Rooms { get; set; }

        public float Age { get; set; }

        public float Price { get; set; }
    }

    public sealed class ReviewRow
    {
        public string Text { get; set; } = "";

        public float Stars { get; set; }

        public bool Positive { get; set; }
    }

    public sealed class IrisRow
    {
        [VectorType(3)]
        public float[] Features { get; set; } = [];

        public string Species { get; set; } = "";
    }

    public sealed class ScoreOnly
    {
        public float Score { get; set; }
    }

    public sealed class BinaryPrediction
    {
        public float Score { get; set; }

        public bool PredictedLabel { get; set; }

        public float Probability { get; set; }
    }

    public sealed class MulticlassPrediction
    {
        [KeyType(3)]
        public uint PredictedLabel { get; set; }

        public float[] Score { get; set; } = [];
    }
}
