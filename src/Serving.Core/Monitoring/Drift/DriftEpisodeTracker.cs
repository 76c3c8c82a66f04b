namespace Serving.Core.Monitoring.Drift;

/// <summary>
/// The episode rules of one model version, fed one closed window at a time: a window meets them when its dataset
/// drifted or a feature has now drifted in <see cref="DriftEpisodeSettings.ConsecutiveWindows"/> windows in a row.
/// Such a window opens an episode when none is open; a window that meets neither is clean, and enough clean windows in
/// a row end it. Not thread-safe: its version's state is only touched under the tracker's lock.
/// </summary>
internal sealed class DriftEpisodeTracker(DriftEpisodeSettings settings)
{
    private readonly Dictionary<string, int> _runs = new(StringComparer.Ordinal);

    /// <summary>The episode in progress, or null.</summary>
    public DriftEpisode? Current { get; private set; }

    /// <summary>Takes in a closed window; returns true when it opened a new episode (the one event to send).</summary>
    public bool Add(VersionDriftReport window)
    {
        var featureRun = false;
        foreach (var feature in window.Features)
        {
            var run = feature.Drifted ? _runs.GetValueOrDefault(feature.Name) + 1 : 0;
            _runs[feature.Name] = run;
            featureRun |= run >= settings.ConsecutiveWindows;
        }

        var drifting = window.DatasetDrift || featureRun;
        if (Current is null)
        {
            if (drifting && window.Window is { } bounds)
            {
                Current = new DriftEpisode(bounds.Start, window.DatasetDrift ? "dataset" : "feature", 1, 0);
                return true;
            }

            return false;
        }

        var clean = drifting ? 0 : Current.CleanWindows + 1;
        Current = clean >= settings.CleanWindowsToEnd ? null : Current with { Windows = Current.Windows + 1, CleanWindows = clean };
        return false;
    }

    /// <summary>Windows in a row each feature has drifted, as of the last window taken in (only features drifting now).</summary>
    public IReadOnlyDictionary<string, int> Runs() => _runs.Where(r => r.Value > 0).ToDictionary(StringComparer.Ordinal);
}
