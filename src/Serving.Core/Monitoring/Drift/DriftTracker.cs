using Serving.Core.Contracts;
using Serving.Core.Inference;

namespace Serving.Core.Monitoring.Drift;

/// <summary>
/// The drift state of every model version the worker has seen: rows in, windows closed, reports out. Not tied
/// to the registry or a queue, so windows can be driven directly (tests, replay).
/// </summary>
public sealed class DriftTracker
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Model, int Version), VersionDriftState> _states = [];
    private readonly DriftOptions _options;

    public DriftTracker(DriftOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    /// <summary>Raised (on the caller's thread) for every window that closes.</summary>
    public event Action<string, VersionDriftReport>? WindowClosed;

    /// <summary>Adds one finished request, served by a version with <paramref name="manifest"/>.</summary>
    public void Observe(InferenceRecord record, ModelManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(manifest);
        IReadOnlyList<VersionDriftReport> closed;
        lock (_lock)
        {
            var key = (record.Model, record.Version);
            if (!_states.TryGetValue(key, out var state))
            {
                state = new VersionDriftState(record.Model, record.Version, manifest, _options);
                _states[key] = state;
            }

            closed = state.Observe(record);
        }

        Raise(record.Model, closed);
    }

    /// <summary>Closes time windows that ended by <paramref name="now"/> (nothing to do for count windows).</summary>
    public void CloseDue(DateTimeOffset now)
    {
        var closed = new List<(string, VersionDriftReport)>();
        lock (_lock)
        {
            foreach (var state in _states.Values)
            {
                if (state.CloseIfDue(now) is { } report)
                {
                    closed.Add((state.Model, report));
                }
            }
        }

        foreach (var (model, report) in closed)
        {
            WindowClosed?.Invoke(model, report);
        }
    }

    /// <summary>The report of each listed version, ascending; a version with no traffic yet gets an empty report.</summary>
    public DriftReport Report(string model, IEnumerable<int> versions)
    {
        ArgumentNullException.ThrowIfNull(versions);
        lock (_lock)
        {
            return new DriftReport(model, [.. versions.Order().Select(v =>
                _states.TryGetValue((model, v), out var state)
                    ? state.Snapshot()
                    : new VersionDriftReport { Version = v, DatasetDriftThreshold = _options.ThresholdsFor(model).DatasetDriftShare })]);
        }
    }

    /// <summary>Drops the state of versions for which <paramref name="keep"/> is false; returns what was dropped.</summary>
    public IReadOnlyList<(string Model, int Version)> Forget(Func<string, int, bool> keep)
    {
        ArgumentNullException.ThrowIfNull(keep);
        lock (_lock)
        {
            var gone = _states.Keys.Where(k => !keep(k.Model, k.Version)).ToList();
            foreach (var key in gone)
            {
                _states.Remove(key);
            }

            return gone;
        }
    }

    private void Raise(string model, IReadOnlyList<VersionDriftReport> closed)
    {
        foreach (var report in closed)
        {
            WindowClosed?.Invoke(model, report);
        }
    }
}
