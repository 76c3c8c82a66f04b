using System.ComponentModel.DataAnnotations;
using Serving.Core.Storage;

namespace Serving.Core.Monitoring.Logging;

/// <summary>Prediction logging settings (<c>Serving:Monitoring:PredictionLog</c>).</summary>
public sealed class PredictionLogOptions
{
    /// <summary>Whether predictions are logged at all.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Folder of the JSON Lines files (one per model and day); relative to the current folder. Empty means
    /// <c>predictions</c> in the data directory (<c>Serving:DataPath</c>).
    /// </summary>
    public string Directory { get; set; } = string.Empty;

    /// <summary>The folder the JSON Lines files go to: <see cref="Directory"/> when set, else the data directory's.</summary>
    public string DirectoryIn(DataPaths dataPaths)
    {
        ArgumentNullException.ThrowIfNull(dataPaths);
        return string.IsNullOrWhiteSpace(Directory) ? dataPaths.PredictionLogs : Path.GetFullPath(Directory);
    }

    /// <summary>The largest part of a day's file: a record that would take the part past it begins a new one.</summary>
    [Range(1024, long.MaxValue)]
    public long MaxFileBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// JSON Lines files kept open at once (one per model being logged); opening one more closes the one least
    /// recently written to. Bounds the file descriptors the log holds, whatever the traffic.
    /// </summary>
    [Range(1, 10_000)]
    public int MaxOpenFiles { get; set; } = JsonLinesPredictionSink.DefaultMaxOpenFiles;

    /// <summary>Entries kept per model's Redis stream (approximately) when the Redis sink is on.</summary>
    [Range(1, long.MaxValue)]
    public long RedisMaxLength { get; set; } = 100_000;

    /// <summary>Records waiting to be written; past this, new records are dropped (and counted), never waited for.</summary>
    [Range(1, 10_000_000)]
    public int QueueCapacity { get; set; } = 50_000;

    /// <summary>Share of each model's predictions that is logged, 0 to 1, unless the model sets its own.</summary>
    [Range(0.0, 1.0)]
    public double SampleRate { get; set; } = 1.0;

    /// <summary>Per-model sample rates, by model name.</summary>
    public Dictionary<string, double> ModelSampleRates { get; set; } = new(StringComparer.Ordinal);

    // Asked on every request: skip the lookup (and hashing the name) when no model sets its own rate.
    public double SampleRateOf(string model) => ModelSampleRates.Count > 0 && ModelSampleRates.TryGetValue(model, out var rate) ? rate : SampleRate;
}
