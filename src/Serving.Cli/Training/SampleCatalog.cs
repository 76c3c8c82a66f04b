using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;
using Serving.Core.Contracts;

namespace Serving.Cli.Training;

/// <summary>The sample models <c>serving train</c> knows, one recipe per version.</summary>
public static class SampleCatalog
{
    private const string F = MLNetRows.Features;
    private const string L = MLNetRows.Label;

    public static IReadOnlyList<SampleRecipe> All { get; } =
    [
        BreastCancer(1, "ML.NET SDCA logistic regression on standardised features", ml =>
            ml.Transforms.NormalizeMeanVariance(F)
                .Append(ml.BinaryClassification.Trainers.SdcaLogisticRegression(
                    new SdcaLogisticRegressionBinaryTrainer.Options { LabelColumnName = L, FeatureColumnName = F, NumberOfThreads = 1, MaximumNumberOfIterations = 50 }))),
        BreastCancer(2, "ML.NET FastTree (50 trees, 8 leaves)", ml =>
            ml.BinaryClassification.Trainers.FastTree(
                new FastTreeBinaryTrainer.Options { LabelColumnName = L, FeatureColumnName = F, NumberOfTrees = 50, NumberOfLeaves = 8, MinimumExampleCountPerLeaf = 10, NumberOfThreads = 1 })),
        new SampleRecipe
        {
            Sample = "iris",
            Version = 1,
            DataFile = "iris.csv",
            Task = ModelTasks.Multiclass,
            Format = ModelFormats.Onnx,
            Description = "ML.NET SDCA maximum entropy on standardised features",
            Classes = ["setosa", "versicolor", "virginica"],
            Outputs = [("label", "PredictedLabel"), ("probability", "Score")],
            Estimator = ml => ml.Transforms.NormalizeMeanVariance(F)
                .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(
                    new SdcaMaximumEntropyMulticlassTrainer.Options { LabelColumnName = L, FeatureColumnName = F, NumberOfThreads = 1, MaximumNumberOfIterations = 50 }))
                .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel")),
        },
        new SampleRecipe
        {
            Sample = "diabetes",
            Version = 1,
            DataFile = "diabetes.csv",
            Task = ModelTasks.Regression,
            Format = ModelFormats.MLNet,
            Description = "ML.NET SDCA regression on standardised features",
            Outputs = [("prediction", "Score")],
            Estimator = ml => ml.Transforms.NormalizeMeanVariance(F)
                .Append(ml.Regression.Trainers.Sdca(
                    new SdcaRegressionTrainer.Options { LabelColumnName = L, FeatureColumnName = F, NumberOfThreads = 1, MaximumNumberOfIterations = 100 })),
        },
    ];

    /// <summary>Sample names, for help and messages.</summary>
    public static IReadOnlyList<string> Samples => All.Select(r => r.Sample).Distinct().ToList();

    /// <summary>The recipes of one sample, by version; empty when the sample is unknown.</summary>
    public static IReadOnlyList<SampleRecipe> Of(string sample) => All.Where(r => r.Sample == sample).OrderBy(r => r.Version).ToList();

    // Both breast-cancer versions serve an INT64 class (0 = malignant, 1 = benign) and the probability of class 1.
    private static SampleRecipe BreastCancer(int version, string description, Func<MLContext, IEstimator<ITransformer>> trainer) => new()
    {
        Sample = "breast-cancer",
        Version = version,
        DataFile = "breast-cancer.csv",
        Task = ModelTasks.Binary,
        Format = ModelFormats.Onnx,
        Description = description,
        Classes = ["malignant", "benign"],
        Outputs = [("label", "ClassIndex"), ("probability", "Probability")],
        Estimator = ml => trainer(ml).Append(ml.Transforms.Conversion.ConvertType("ClassIndex", "PredictedLabel", DataKind.Int64)),
    };
}
