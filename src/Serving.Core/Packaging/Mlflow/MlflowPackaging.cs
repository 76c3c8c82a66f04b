using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Core.Runtimes;
using Serving.Core.Runtimes.Onnx;

namespace Serving.Core.Packaging.Mlflow;

/// <summary>
/// Turns a package request whose artifact is an MLflow model folder into one <see cref="PackageBuilder"/> can
/// build: the onnx flavor's file, the signature's names, column names as features, the task and MLflow lineage.
/// </summary>
public static class MlflowPackaging
{
    /// <summary>
    /// <paramref name="request"/>'s <see cref="PackageRequest.ArtifactPath"/> is the folder: an MLflow model folder,
    /// or a folder holding exactly one .onnx file (a model registered from a bare artifact). Settings the caller
    /// gave win over what the folder says. Throws <see cref="PackagingException"/>.
    /// </summary>
    public static PackageRequest ForFolder(PackageRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var folder = request.ArtifactPath;
        var model = MlflowModelReader.IsModelFolder(folder) ? MlflowModelReader.ReadFolder(folder) : null;
        var onnxPath = model is null ? LoneOnnxFile(folder) : OnnxFile(folder, model);
        var graph = Inspect(onnxPath);
        var plan = model is null ? new MlflowSignaturePlan(null, null, null) : MlflowSignatureMapper.Plan(model, graph.Inputs, graph.Outputs);
        var served = plan.Outputs is null ? graph.Outputs : plan.Outputs.Select(r => graph.Outputs.First(o => o.Name == r.Source)).ToList();
        var lineage = request.Mlflow ?? new MlflowLineage();
        return request with
        {
            ArtifactPath = onnxPath,
            Format = ModelFormats.Onnx,
            Inputs = request.Inputs ?? plan.Inputs,
            Outputs = request.Outputs ?? plan.Outputs,
            FeatureNames = request.FeatureNames ?? plan.FeatureNames,
            Task = request.Task ?? (request.TrainingDataPath is null ? InferTask(served) : null),
            Mlflow = lineage with
            {
                RunId = lineage.RunId ?? model?.RunId,
                ModelUuid = lineage.ModelUuid ?? model?.ModelUuid,
                MlflowVersion = lineage.MlflowVersion ?? model?.MlflowVersion,
            },
        };
    }

    /// <summary>
    /// The task an MLflow model most likely solves, since MLflow does not record one: an integer or string output
    /// is a class label (multiclass when a float output has more than two columns, else binary); otherwise regression.
    /// </summary>
    public static string InferTask(IReadOnlyList<TensorSpec> outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        var types = outputs.Select(o => TensorDataTypes.TryParse(o.Datatype, out var t) ? t : TensorDataType.FP32).ToList();
        var hasLabel = types.Any(t => t is TensorDataType.Int32 or TensorDataType.Int64 or TensorDataType.Bytes);
        if (!hasLabel)
        {
            return ModelTasks.Regression;
        }

        var wide = outputs.Where(o => TensorDataTypes.TryParse(o.Datatype, out var t) && t.IsFloatingPoint() && o.Shape.Count > 0 && o.Shape[^1] > 2);
        return wide.Any() ? ModelTasks.Multiclass : ModelTasks.Binary;
    }

    private static string OnnxFile(string folder, MlflowModel model)
    {
        if (model.OnnxData is null)
        {
            throw new PackagingException(
                $"the MLflow model in '{folder}' has the flavor(s) {string.Join(", ", model.Flavors)}; the gateway serves the onnx flavor only "
                + "(log the model with mlflow.onnx.log_model)");
        }

        var root = Path.GetFullPath(folder);
        var path = Path.GetFullPath(Path.Combine(root, model.OnnxData));
        if (!path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new PackagingException($"the onnx flavor's data '{model.OnnxData}' points outside the model folder '{folder}'");
        }

        return File.Exists(path)
            ? path
            : throw new PackagingException($"the onnx flavor names '{model.OnnxData}' but '{folder}' has no such file");
    }

    private static string LoneOnnxFile(string folder)
    {
        var files = Directory.Exists(folder) ? Directory.GetFiles(folder, "*.onnx") : [];
        return files.Length == 1
            ? files[0]
            : throw new PackagingException(
                $"'{folder}' has no {MlflowModelReader.FileName} file and {files.Length} .onnx file(s); expected an MLflow model folder or exactly one .onnx file");
    }

    private static OnnxModelInfo Inspect(string path)
    {
        try
        {
            return OnnxModelInspector.Inspect(path);
        }
        catch (ModelLoadException ex)
        {
            throw new PackagingException($"cannot load '{path}': {ex.Message}", ex);
        }
    }
}
