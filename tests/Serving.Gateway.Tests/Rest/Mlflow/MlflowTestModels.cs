using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Core.Packaging;

namespace Serving.Gateway.Tests.Rest.Mlflow;

/// <summary>Model metadata the MLflow tests decode against.</summary>
internal static class MlflowTestModels
{
    /// <summary>One FP32 [-1,3] input with features a, b, c; outputs label INT64 [-1] and probability FP32 [-1,2].</summary>
    public static ModelMetadata Classifier(string name = "m") => Model(
        name,
        [new TensorSpec { Name = "input", Datatype = "FP32", Shape = [-1, 3], Features = ["a", "b", "c"] }],
        [
            new TensorSpec { Name = "label", Datatype = "INT64", Shape = [-1] },
            new TensorSpec { Name = "probability", Datatype = "FP32", Shape = [-1, 2] },
        ]);

    /// <summary>Several single-feature inputs of different datatypes, each named like its input.</summary>
    public static ModelMetadata Mixed() => Model(
        "mixed",
        [
            new TensorSpec { Name = "count", Datatype = "INT64", Shape = [-1] },
            new TensorSpec { Name = "ratio", Datatype = "FP64", Shape = [-1, 1] },
            new TensorSpec { Name = "flag", Datatype = "BOOL", Shape = [-1] },
            new TensorSpec { Name = "city", Datatype = "BYTES", Shape = [-1] },
            new TensorSpec { Name = "small", Datatype = "INT32", Shape = [-1] },
        ],
        [new TensorSpec { Name = "score", Datatype = "FP32", Shape = [-1] }]);

    /// <summary>A tensor input without feature names, as MLflow's own ONNX signatures have.</summary>
    public static ModelMetadata Unnamed() => Model(
        "tensor",
        [new TensorSpec { Name = "input", Datatype = "FP32", Shape = [-1, 3] }],
        [new TensorSpec { Name = "score", Datatype = "FP32", Shape = [-1] }]);

    private static ModelMetadata Model(string name, IReadOnlyList<TensorSpec> inputs, IReadOnlyList<TensorSpec> outputs) =>
        new(name, ["7"], "onnx_onnxv1", inputs, outputs, "binary", "7");
}
