namespace Serving.Core.Monitoring.Drift;

/// <summary>
/// Drift of one model version: the last closed window's verdicts (<see cref="Window"/> null until one closed)
/// and the window in progress.
/// </summary>
public sealed record VersionDriftReport
{
    public required int Version { get; init; }

    /// <summary>The last complete window; null before the first one closed.</summary>
    public DriftWindowBounds? Window { get; init; }

    public bool DatasetDrift { get; init; }

    /// <summary>Share of the tested features that drifted.</summary>
    public double DriftedShare { get; init; }

    /// <summary>Threshold on <see cref="DriftedShare"/> for <see cref="DatasetDrift"/>.</summary>
    public double DatasetDriftThreshold { get; init; }

    public IReadOnlyList<FeatureDrift> Features { get; init; } = [];

    /// <summary>Drift of the model's own predictions against the baseline's; not counted in <see cref="DriftedShare"/>.</summary>
    public FeatureDrift? Prediction { get; init; }

    /// <summary>The window in progress.</summary>
    public DriftWindowBounds? Current { get; init; }

    /// <summary>Windows closed so far.</summary>
    public long WindowsClosed { get; init; }

    /// <summary>The drift episode in progress after this window; null when the version is clean.</summary>
    public DriftEpisode? Episode { get; init; }

    /// <summary>True on the report of the window that opened <see cref="Episode"/> (the one that sends <c>drift.detected</c>).</summary>
    public bool OpensEpisode { get; init; }

    /// <summary>Windows in a row each feature drifting in this window has drifted, this one included.</summary>
    public IReadOnlyDictionary<string, int> DriftedInRow { get; init; } = new Dictionary<string, int>();

    /// <summary>Why nothing can be measured (no baseline in the package), else null.</summary>
    public string? Reason { get; init; }
}
