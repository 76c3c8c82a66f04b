using Serving.Core.Contracts;
using Serving.Core.Inference;

namespace Serving.Core.Monitoring.Drift;

/// <summary>
/// Drift bookkeeping of one model version: its prepared baseline, the window in progress and the report of the
/// last closed window. Only the drift worker touches it, under the tracker's lock.
/// </summary>
internal sealed class VersionDriftState
{
    private readonly DriftOptions _options;
    private readonly DriftThresholds _thresholds;
    private readonly MonitoredColumns _columns;
    private readonly FeatureReference?[] _references;
    private readonly FeatureReference? _prediction;
    private readonly string? _reason;
    private readonly DriftEpisodeTracker _episodes;
    private DriftWindow? _window;
    private DateTimeOffset _slotEnd;
    private int _seed;

    public VersionDriftState(string model, int version, ModelManifest manifest, DriftOptions options)
    {
        Model = model;
        Version = version;
        _options = options;
        _thresholds = options.ThresholdsFor(model);
        _episodes = new DriftEpisodeTracker(options.Drift.Episodes);
        _columns = new MonitoredColumns(manifest);
        var baseline = manifest.Baseline;
        _references = [.. _columns.FeatureNames.Select(name =>
            baseline?.Features.FirstOrDefault(f => f.Name == name) is { } feature ? FeatureReference.From(feature) : null)];
        var predictionName = manifest.Signature.PredictionOutput ?? "prediction";
        _prediction = baseline?.Prediction switch
        {
            { Classes: { Count: > 0 } classes } => FeatureReference.FromClasses(predictionName, classes),
            { Numeric: { } numeric } => FeatureReference.From(numeric with { Name = predictionName }),
            _ => null,
        };
        _reason = baseline is null || _references.All(r => r is null) ? "the package has no baseline to compare with" : null;
        Closed = new VersionDriftReport { Version = version, DatasetDriftThreshold = _thresholds.DatasetDriftShare, Reason = _reason };
    }

    public string Model { get; }

    public int Version { get; }

    /// <summary>The report of the last closed window (no window yet: an empty report).</summary>
    public VersionDriftReport Closed { get; private set; }

    /// <summary>The last closed window's report with the window in progress added.</summary>
    public VersionDriftReport Snapshot() => Closed with { Current = _window?.Bounds };

    /// <summary>Adds a finished request's rows; returns the reports of windows it closed (usually none).</summary>
    public IReadOnlyList<VersionDriftReport> Observe(InferenceRecord record)
    {
        if (_reason is not null || _columns.Read(record) is not { } rows)
        {
            return [];
        }

        List<VersionDriftReport>? closed = null;
        var time = record.StartedAt;
        foreach (var row in rows)
        {
            if (_options.TimeWindows && _window is not null && time >= _slotEnd)
            {
                (closed ??= []).Add(Close(_slotEnd));
            }

            _window ??= Open(time);
            _window.BeginRow(time);
            for (var c = 0; c < row.Length; c++)
            {
                _window.Add(c, row[c]);
            }

            if (!_options.TimeWindows && _window.IsFull)
            {
                (closed ??= []).Add(Close(_window.End));
            }
        }

        return (IReadOnlyList<VersionDriftReport>?)closed ?? [];
    }

    /// <summary>Closes a time window whose slot has ended by <paramref name="now"/>; null when none is due.</summary>
    public VersionDriftReport? CloseIfDue(DateTimeOffset now) =>
        _options.TimeWindows && _window is not null && now >= _slotEnd ? Close(_slotEnd) : null;

    private DriftWindow Open(DateTimeOffset time)
    {
        var start = time;
        if (_options.TimeWindows)
        {
            // Slots are aligned to multiples of the window length since the Unix epoch, so every replica and
            // every restart cuts windows at the same instants.
            var length = TimeSpan.FromSeconds(_options.WindowSeconds);
            var slot = Math.Floor((time - DateTimeOffset.UnixEpoch) / length);
            start = DateTimeOffset.UnixEpoch + (length * slot);
            _slotEnd = start + length;
        }

        return new DriftWindow(_columns.ColumnCount, _options.WindowRows, start, unchecked(Version * 7919 + _seed++));
    }

    private VersionDriftReport Close(DateTimeOffset end)
    {
        var window = _window!;
        _window = null;
        var features = new List<FeatureDrift>();
        for (var c = 0; c < _references.Length; c++)
        {
            if (_references[c] is { } reference && window.Values(c) is { Length: > 0 } values)
            {
                features.Add(FeatureDriftCalculator.Compute(reference, values, _thresholds));
            }
        }

        FeatureDrift? prediction = null;
        if (_prediction is not null && window.Values(_columns.PredictionColumn) is { Length: > 0 } predicted)
        {
            prediction = FeatureDriftCalculator.Compute(_prediction, predicted, _thresholds);
        }

        var share = features.Count == 0 ? 0 : (double)features.Count(f => f.Drifted) / features.Count;
        var report = new VersionDriftReport
        {
            Version = Version,
            Window = new DriftWindowBounds(window.Start, _options.TimeWindows ? end : window.End, window.Rows),
            DatasetDrift = features.Count > 0 && share >= _thresholds.DatasetDriftShare,
            DriftedShare = share,
            DatasetDriftThreshold = _thresholds.DatasetDriftShare,
            Features = features,
            Prediction = prediction,
            WindowsClosed = Closed.WindowsClosed + 1,
        };
        var opens = _episodes.Add(report);
        Closed = report with { Episode = _episodes.Current, OpensEpisode = opens, DriftedInRow = _episodes.Runs() };
        return Closed;
    }
}
