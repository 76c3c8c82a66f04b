using Serving.Core.Contracts;
using Serving.Core.Runtimes;

namespace Serving.Core.Packaging;

/// <summary>
/// Turns a trained artifact (and optionally its training CSV) into a new registry version: reads the signature
/// through the runtime, computes baselines by running the model over the training rows, and publishes the folder
/// atomically. <c>serving package</c> and <c>serving train</c> both go through here.
/// </summary>
public sealed class PackageBuilder
{
    private const int BatchRows = 256;

    private readonly IReadOnlyDictionary<string, IModelRuntimeFactory> _factories;
    private readonly TimeProvider _time;

    public PackageBuilder(IEnumerable<IModelRuntimeFactory> factories, TimeProvider? time = null)
    {
        _factories = factories.ToDictionary(f => f.Format, StringComparer.Ordinal);
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Builds and publishes the package; throws <see cref="PackagingException"/> with a reason when it cannot.</summary>
    public async Task<PackageResult> BuildAsync(PackageRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ValidateModelName(request.ModelName);
        if (!File.Exists(request.ArtifactPath))
        {
            throw new PackagingException(Directory.Exists(request.ArtifactPath)
                ? $"artifact '{request.ArtifactPath}' is a folder; expected a .onnx or .zip (ML.NET) file"
                : $"artifact '{request.ArtifactPath}' does not exist");
        }

        var format = request.Format ?? FormatOf(request.ArtifactPath);
        if (!_factories.TryGetValue(format, out var factory))
        {
            throw new PackagingException($"no runtime loads the format '{format}'");
        }

        var data = request.TrainingDataPath is null ? null : CsvDataSet.Load(request.TrainingDataPath);
        var label = data is null ? null : LabelColumn(data, request.Label);
        var task = request.Task ?? (data is null || label is null
            ? throw new PackagingException("--task is required when no training data is given")
            : TaskInference.Infer(data.Column(label)));
        if (!ModelTasks.IsKnown(task))
        {
            throw new PackagingException($"unknown task '{task}'; expected binary, multiclass or regression");
        }

        NonTensorOutputCheck.Ensure(format, request.ArtifactPath, request.Outputs);
        using var runtime = LoadRuntime(factory, request.ArtifactPath);
        var features = data is null ? request.FeatureNames : data.ColumnNames.Where(c => c != label).ToList();
        var inputs = SignatureMapper.Inputs(runtime.Inputs, request.Inputs, features);
        var outputs = SignatureMapper.Outputs(runtime.Outputs, request.Outputs);
        var predictionOutput = PredictionOutputChooser.Choose(outputs, task, request.PredictionOutput);
        var signature = new ModelSignature
        {
            Inputs = inputs,
            Outputs = outputs,
            PredictionOutput = predictionOutput,
            Classes = ModelTasks.IsClassification(task) ? request.Classes ?? ClassesFromLabels(data, label) : null,
        };

        BaselineStatistics? baseline = null;
        IReadOnlyList<IReadOnlyDictionary<string, double>>? examples = null;
        if (data is not null && label is not null)
        {
            var prediction = outputs.Single(o => o.Name == predictionOutput);
            var predicted = await PredictAsync(runtime, inputs, prediction, task, data, cancellationToken).ConfigureAwait(false);
            baseline = Baselines.Compute(data, label, inputs, task, prediction.Name, predicted);
            examples = Baselines.Examples(data, inputs, request.ExampleRows);
        }

        return Publish(request, format, task, signature, data, baseline, examples);
    }

    /// <summary>Whether a file's extension is one <see cref="FormatOf"/> knows (.onnx or .zip).</summary>
    public static bool IsModelFile(string path) => Path.GetExtension(path).ToLowerInvariant() is ".onnx" or ".zip";

    /// <summary>The format an artifact's extension implies.</summary>
    public static string FormatOf(string artifactPath) => Path.GetExtension(artifactPath).ToLowerInvariant() switch
    {
        ".onnx" => ModelFormats.Onnx,
        ".zip" => ModelFormats.MLNet,
        var other => throw new PackagingException($"cannot tell the format of '{artifactPath}' from '{other}'; expected .onnx or .zip (ML.NET)"),
    };

    private static IModelRuntime LoadRuntime(IModelRuntimeFactory factory, string path)
    {
        try
        {
            return factory.Load(path);
        }
        catch (ModelLoadException ex)
        {
            throw new PackagingException($"cannot load '{path}': {ex.Message}", ex);
        }
    }

    /// <summary>
    /// A model name is the model's folder in the registry, and the registry serves every folder whose name does not
    /// start with '.' (spaces and other characters included; clients URL-encode them). So the name must be one
    /// folder name: not blank, no leading '.', and no path separator, ':' or character a folder name cannot hold.
    /// </summary>
    private static void ValidateModelName(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.StartsWith('.') || name.IndexOfAny(['/', '\\', ':']) >= 0
            || name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
        {
            throw new PackagingException(
                $"'{name}' is not a usable model name; it becomes the model's folder in the registry, so it must not be blank, "
                + "start with '.' (the registry ignores such folders), or hold '/', '\\', ':' or a character a folder name cannot have");
        }
    }

    private static string? LabelColumn(CsvDataSet data, string? requested)
    {
        if (requested is not null)
        {
            return data.IndexOf(requested) >= 0
                ? requested
                : throw new PackagingException($"--label '{requested}' is not a column of '{data.Path}'; its columns are: {string.Join(", ", data.ColumnNames)}");
        }

        return data.IndexOf("target") >= 0 ? "target" : data.ColumnNames[^1];
    }

    private static IReadOnlyList<string>? ClassesFromLabels(CsvDataSet? data, string? label) =>
        data is null || label is null
            ? null
            : data.Column(label).Where(v => !double.IsNaN(v)).Distinct().Order().Select(BaselineCalculator.ClassKey).ToList();

    private static async Task<double[]> PredictAsync(
        IModelRuntime runtime, IReadOnlyList<TensorSpec> inputs, TensorSpec prediction, string task, CsvDataSet data, CancellationToken cancellationToken)
    {
        // A lone probability column of a binary classifier is read as "positive when >= 0.5".
        var threshold = ModelTasks.IsClassification(task) && prediction.Name.Contains("prob", StringComparison.OrdinalIgnoreCase);
        var predicted = new List<double>(data.Rows);
        for (var start = 0; start < data.Rows; start += BatchRows)
        {
            var count = Math.Min(BatchRows, data.Rows - start);
            var tensors = FeatureTensors.ForRows(inputs, data, start, count);
            var results = await runtime.RunAsync(tensors, [prediction.SourceName], cancellationToken).ConfigureAwait(false);
            predicted.AddRange(TensorValues.PerRow(results[0], count, threshold));
        }

        return predicted.ToArray();
    }

    private PackageResult Publish(
        PackageRequest request,
        string format,
        string task,
        ModelSignature signature,
        CsvDataSet? data,
        BaselineStatistics? baseline,
        IReadOnlyList<IReadOnlyDictionary<string, double>>? examples)
    {
        var modelDirectory = Path.Combine(request.RegistryPath, request.ModelName);
        var staging = VersionFolders.CreateStaging(modelDirectory);
        try
        {
            var artifactFile = ModelFormats.ArtifactFile(format);
            File.Copy(request.ArtifactPath, Path.Combine(staging, artifactFile));
            var manifest = new ModelManifest
            {
                Format = format,
                Task = task,
                Signature = signature,
                Artifacts = new Dictionary<string, string> { [artifactFile] = Checksums.Sha256OfFile(Path.Combine(staging, artifactFile)) },
                Lineage = new ModelLineage
                {
                    TrainingData = data is null
                        ? null
                        : Dvc.DvcRepository.Describe(new TrainingDataReference { File = Path.GetFileName(data.Path), Sha256 = Checksums.Sha256OfFile(data.Path), Rows = data.Rows }, data.Path),
                    CodeCommit = request.CodeCommit,
                    Trainer = request.Trainer,
                    Metrics = request.Metrics,
                    Mlflow = request.Mlflow,
                    Retraining = request.Retraining,
                    CreatedAt = _time.GetUtcNow(),
                },
                Baseline = baseline,
                Examples = examples,
            };
            ManifestSerializer.Write(staging, manifest);
            var version = VersionFolders.Publish(staging, modelDirectory, request.Version);
            return new PackageResult(version, Path.Combine(modelDirectory, version.ToString(System.Globalization.CultureInfo.InvariantCulture)), manifest);
        }
        catch
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }

            throw;
        }
    }
}
