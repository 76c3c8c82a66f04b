namespace Serving.Core.Monitoring.Drift;

/// <summary>
/// A drift episode of one model version in progress: from the window that opened it until
/// <see cref="DriftEpisodeSettings.CleanWindowsToEnd"/> clean windows in a row. Kept in memory: a restart forgets it,
/// so drift that is still there after a restart opens (and announces) a new episode.
/// </summary>
/// <param name="Start">Start of the window that opened the episode; with model and version it names the episode (the event id).</param>
/// <param name="OpenedBy">What opened it: <c>dataset</c> (the dataset drifted) or <c>feature</c> (one feature drifted in enough windows in a row).</param>
/// <param name="Windows">Windows closed since the episode opened, the opening one included.</param>
/// <param name="CleanWindows">Clean windows in a row just now; the episode ends when this reaches the setting.</param>
public sealed record DriftEpisode(DateTimeOffset Start, string OpenedBy, long Windows, int CleanWindows);
