using System.CommandLine;
using Serving.Core.Contracts;
using Serving.Core.Packaging;
using Serving.Core.Packaging.Mlflow;
using Spectre.Console;

namespace Serving.Cli.Commands;

/// <summary><c>serving package</c>: publishes a trained artifact as the next version of a model.</summary>
internal static class PackageCommand
{
    public static Command Create(CliOutput output, Func<PackageBuilder> builder)
    {
        var artifact = new Argument<FileSystemInfo>("artifact") { Description = "The trained model: a .onnx file, an ML.NET model .zip, or an MLflow model folder (MLmodel with the onnx flavor)." };
        var name = new Option<string>("--name") { Description = "Model name (the folder under the registry).", Required = true };
        var registry = new Option<DirectoryInfo>("--registry") { Description = "Registry folder.", DefaultValueFactory = _ => new DirectoryInfo("models") };
        var trainData = new Option<FileInfo?>("--train-data") { Description = "Headered CSV the model was trained on (features, label); gives feature names, baselines and lineage." };
        var label = new Option<string?>("--label") { Description = "Label column of the CSV (default: the column named target, in any case; without one, --label is required)." };
        var task = new Option<string?>("--task") { Description = "binary, multiclass or regression (default: inferred from the label column)." };
        task.AcceptOnlyFromAmong(ModelTasks.Binary, ModelTasks.Multiclass, ModelTasks.Regression);
        var predictionOutput = new Option<string?>("--prediction-output") { Description = "Output that holds the prediction (default: one named like label/prediction, else a probability's argmax, else the first)." };
        var runId = new Option<string?>("--run-id") { Description = "MLflow run the model came from: recorded in the version's lineage (lineage.mlflow.runId)." };
        var trackingUri = new Option<string?>("--tracking-uri") { Description = "MLflow tracking server of --run-id: the run is looked up and its experiment, page and artifact URI recorded too." };

        var command = new Command("package", "Publish a trained ONNX or ML.NET model as the next version in a registry; prints the version.")
        {
            artifact, name, registry, trainData, label, task, predictionOutput, runId, trackingUri,
        };
        command.SetAction((parse, cancellationToken) => CommandErrors.Guard(output, async () =>
        {
            var data = parse.GetValue(trainData)?.FullName;
            var request = new PackageRequest
            {
                ArtifactPath = parse.GetValue(artifact)!.FullName,
                ModelName = parse.GetValue(name)!,
                RegistryPath = parse.GetValue(registry)!.FullName,
                TrainingDataPath = data,
                Label = data is null ? parse.GetValue(label) : LabelChoice.Choose(output, data, parse.GetValue(label)),
                Task = parse.GetValue(task),
                PredictionOutput = parse.GetValue(predictionOutput),
                Trainer = "serving package",
                CodeCommit = CodeCommit.TryRead(Directory.GetCurrentDirectory()),
            };
            if (MlflowModelReader.IsModelFolder(request.ArtifactPath))
            {
                // The folder's MLmodel gives the ONNX file, the signature's names and the run it was logged by.
                request = MlflowPackaging.ForFolder(request with { Trainer = "serving package (MLflow model folder)" });
            }
            else if (Directory.Exists(request.ArtifactPath))
            {
                throw new PackagingException(NotAModelFolder(request.ArtifactPath));
            }

            if (parse.GetValue(runId) is { } run)
            {
                request = request with { Mlflow = await Serving.Cli.Retraining.Mlflow.MlflowRunReference.ResolveAsync(request.Mlflow, run, parse.GetValue(trackingUri), cancellationToken).ConfigureAwait(false) };
            }
            else if (parse.GetValue(trackingUri) is not null)
            {
                throw new PackagingException("--tracking-uri names where --run-id's run is; give --run-id too");
            }

            var result = await builder().BuildAsync(request, cancellationToken).ConfigureAwait(false);
            PackageSummary.Write(output.Console, request.ModelName, result);
            await output.Result.WriteLineAsync(result.Version.ToString(System.Globalization.CultureInfo.InvariantCulture)).ConfigureAwait(false);
            return 0;
        }));
        return command;
    }

    /// <summary>What to say for a folder given as the artifact that is not an MLflow model folder.</summary>
    private static string NotAModelFolder(string folder)
    {
        var models = Directory.EnumerateFiles(folder).Where(f => PackageBuilder.IsModelFile(f)).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        var holds = models.Count == 0
            ? "holds no .onnx or .zip file"
            : $"holds {string.Join(", ", models.Take(3).Select(m => $"'{m}'"))}{(models.Count > 3 ? ", ..." : string.Empty)}; give the model file's path";
        return $"'{folder}' is a folder with no {MlflowModelReader.FileName} file, so not an MLflow model folder, and {holds}";
    }
}
