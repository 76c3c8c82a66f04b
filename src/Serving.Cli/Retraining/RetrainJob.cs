using Serving.Cli.Retraining.Dvc;

namespace Serving.Cli.Retraining;

/// <summary>How one model is retrained: one entry under <c>jobs</c> in the retrainer's config file.</summary>
public sealed record RetrainJob
{
    public const string Builtin = "builtin";
    public const string CommandKind = "command";

    /// <summary><c>builtin</c> (a sample ML.NET recipe) or <c>command</c> (any command line that writes an ONNX file).</summary>
    public string Kind { get; init; } = Builtin;

    /// <summary>builtin: the sample whose recipe trains (default: the model's name).</summary>
    public string? Sample { get; init; }

    /// <summary>builtin: the recipe version of that sample (default: its newest).</summary>
    public int? Recipe { get; init; }

    /// <summary>command: the command line, run by <c>/bin/sh -c</c> (<c>cmd /c</c> on Windows).</summary>
    public string? Command { get; init; }

    /// <summary>command: the folder it runs in (default: the config file's folder).</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>The model's original training CSV, or a <c>.dvc</c> file tracking it (default for builtin: the sample's file in the repository's data folder).</summary>
    public string? TrainingData { get; init; }

    /// <summary>The DVC repository the combined training set is exported into, and where (see <see cref="DvcJobSettings"/>).</summary>
    public DvcJobSettings? Dvc { get; init; }

    /// <summary>Label column of that CSV (default <c>target</c>).</summary>
    public string Label { get; init; } = "target";

    /// <summary>The gate's metric: accuracy or f1 for classifiers (default accuracy), rmse or r2 for regression (default rmse).</summary>
    public string? Metric { get; init; }

    /// <summary>How much worse than stable the candidate may be (default: the file's <c>margin</c>).</summary>
    public double? Margin { get; init; }

    /// <summary>Minutes after a published run during which drift and performance events for this model are ignored (default: the file's <c>cooldownMinutes</c>; 0 = off).</summary>
    public double? CooldownMinutes { get; init; }

    /// <summary>command: the most a run may take before it is stopped and failed.</summary>
    public int TimeoutSeconds { get; init; } = 3600;

    /// <summary>command: public input name to the ONNX file's input name (default: a lone input takes the stable version's name).</summary>
    public Dictionary<string, string>? Inputs { get; init; }

    /// <summary>command: public output name to the ONNX file's output name (default: every output under its own name).</summary>
    public Dictionary<string, string>? Outputs { get; init; }

    /// <summary>command: the public output holding the prediction (default: chosen as <c>serving package</c> does).</summary>
    public string? PredictionOutput { get; init; }

    /// <summary>DVCLive files: always in the run's folder, also in <c>dvclive.dir</c> when set.</summary>
    public DvcLive.DvcLiveOptions? Dvclive { get; init; }
}
