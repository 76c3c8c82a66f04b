using System.Diagnostics;
using System.Runtime.InteropServices;
using Serving.Core.Contracts;
using Serving.Core.Packaging;
using Serving.Core.Runtimes;
using Serving.Core.Runtimes.Onnx;

namespace Serving.Cli.Retraining;

/// <summary>
/// A <c>command</c> job: any command line (a team's <c>python train.py</c>), run by the shell in the job's folder with
/// the run's data in its environment. It must write an ONNX file to <c>$SERVING_OUTPUT</c> and exit 0 within the
/// job's timeout; its standard output and error go to the run's log.
/// </summary>
internal static class CommandTrainer
{
    public const string TrainingDataVariable = "SERVING_TRAINING_DATA";
    public const string HeldOutDataVariable = "SERVING_HELDOUT_DATA";
    public const string OutputVariable = "SERVING_OUTPUT";
    public const string EventVariable = "SERVING_EVENT";
    public const string ModelVariable = "SERVING_MODEL";
    public const string LabelVariable = "SERVING_LABEL";
    public const string RunVariable = "SERVING_RUN_ID";
    public const string DvcLiveVariable = "SERVING_DVCLIVE_DIR";

    public static async Task<TrainedCandidate> TrainAsync(JobContext context, CancellationToken cancellationToken)
    {
        var job = context.Job;
        var output = Path.Combine(context.Run.Directory, "model.onnx");
        var start = RuntimeInformation.IsOSPlatform(OSPlatform.Windows)
            ? new ProcessStartInfo("cmd.exe") { ArgumentList = { "/c", job.Command! } }
            : new ProcessStartInfo("/bin/sh") { ArgumentList = { "-c", job.Command! } };
        start.WorkingDirectory = job.WorkingDirectory!;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = true;
        start.UseShellExecute = false;
        start.Environment[TrainingDataVariable] = context.Data.TrainPath;
        start.Environment[HeldOutDataVariable] = context.Data.HeldOutPath;
        start.Environment[OutputVariable] = output;
        start.Environment[EventVariable] = context.Run.Trigger.EventJson;
        start.Environment[ModelVariable] = context.Model;
        start.Environment[LabelVariable] = context.Data.Label;
        start.Environment[RunVariable] = context.Run.Id;
        start.Environment[DvcLiveVariable] = Path.Combine(context.Run.Directory, DvcLive.DvcLiveLayout.DefaultDirectory);

        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Line(context.Run, "stdout", e.Data);
        process.ErrorDataReceived += (_, e) => Line(context.Run, "stderr", e.Data);
        context.Run.Log($"running: {job.Command} (in {job.WorkingDirectory}, timeout {job.TimeoutSeconds} s)");
        if (!process.Start())
        {
            throw new RetrainException($"the command '{job.Command}' did not start");
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(job.TimeoutSeconds), context.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            await process.WaitForExitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            throw new RetrainException($"the command ran past its timeout of {job.TimeoutSeconds} s (timeoutSeconds) and was stopped");
        }

        // The last lines of output arrive after the exit; this waits for them.
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new RetrainException($"the command exited with code {process.ExitCode}; its output is in the run's log");
        }

        if (!File.Exists(output))
        {
            throw new RetrainException($"the command exited 0 but wrote no ONNX file to ${OutputVariable} ({output})");
        }

        return new TrainedCandidate(new PackageRequest
        {
            ArtifactPath = output,
            ModelName = context.Model,
            RegistryPath = string.Empty,
            Format = ModelFormats.Onnx,
            TrainingDataPath = context.Data.TrainPath,
            Label = context.Data.Label,
            Task = context.Stable?.Task,
            Inputs = job.Inputs?.Select(i => new TensorRename(i.Key, i.Value)).ToList() ?? LoneInput(output, context.Stable),
            Outputs = job.Outputs?.Select(o => new TensorRename(o.Key, o.Value)).ToList(),
            PredictionOutput = job.PredictionOutput,
            Classes = context.Stable?.Signature.Classes,
            Trainer = $"serving retrainer (command: {job.Command})",
        });
    }

    // Without a mapping, a lone input is served under the stable version's name, so callers need not change.
    private static List<TensorRename>? LoneInput(string artifact, ModelManifest? stable)
    {
        if (stable is not { Signature.Inputs.Count: 1 })
        {
            return null;
        }

        IModelRuntime runtime;
        try
        {
            runtime = new OnnxRuntimeFactory().Load(artifact);
        }
        catch (ModelLoadException ex)
        {
            throw new RetrainException($"the command's output is not an ONNX model the gateway can load: {ex.Message}");
        }

        using (runtime)
        {
            return runtime.Inputs.Count == 1 ? [new TensorRename(stable.Signature.Inputs[0].Name, runtime.Inputs[0].Name)] : null;
        }
    }

    private static void Line(RetrainRun run, string stream, string? line)
    {
        if (line is not null)
        {
            run.Log($"[{stream}] {line}");
        }
    }
}
