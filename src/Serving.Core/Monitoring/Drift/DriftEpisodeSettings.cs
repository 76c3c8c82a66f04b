namespace Serving.Core.Monitoring.Drift;

/// <summary>
/// When drift becomes an episode and when the episode is over (<c>Serving:Monitoring:Drift:Episodes</c>). One episode
/// sends one <c>drift.detected</c> event, however many windows it lasts.
/// </summary>
public sealed class DriftEpisodeSettings
{
    /// <summary>
    /// Closed windows in a row in which one feature drifts before that alone opens an episode (a dataset drift opens
    /// one at once). With many features, one of them drifts in a window now and then by chance; a run of windows does not.
    /// </summary>
    public int ConsecutiveWindows { get; set; } = 3;

    /// <summary>Closed windows in a row with neither rule met that end an episode; the next drift after that is a new episode.</summary>
    public int CleanWindowsToEnd { get; set; } = 3;

    /// <summary>Problems with these values, as configuration messages; empty when valid.</summary>
    public IEnumerable<string> Validate(string prefix)
    {
        if (ConsecutiveWindows is < 1 or > 1000)
        {
            yield return $"{prefix}:ConsecutiveWindows is '{ConsecutiveWindows}'; use a whole number from 1 to 1000";
        }

        if (CleanWindowsToEnd is < 1 or > 1000)
        {
            yield return $"{prefix}:CleanWindowsToEnd is '{CleanWindowsToEnd}'; use a whole number from 1 to 1000";
        }
    }
}
