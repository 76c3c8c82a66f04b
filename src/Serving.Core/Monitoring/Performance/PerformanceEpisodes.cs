using System.Globalization;
using System.Text.Json.Nodes;
using Serving.Core.Events;

namespace Serving.Core.Monitoring.Performance;

/// <summary>
/// Judges live metrics against <see cref="PerformanceOptions.Thresholds"/> and turns breaches into episodes. Each
/// closed window is judged once, the first time it holds <see cref="PerformanceOptions.MinimumLabels"/> labels: a
/// window worse than a threshold opens an episode of that metric (one <c>performance.degraded</c>) unless one is
/// open; <see cref="PerformanceOptions.CleanWindowsToEnd"/> judged windows in a row that meet it end the episode.
/// Episodes live in memory (a restart forgets them). Not thread-safe: the monitor calls it under its lock.
/// </summary>
internal sealed class PerformanceEpisodes(PerformanceOptions options)
{
    private readonly Dictionary<(string Model, int Version), VersionJudgement> _versions = [];

    /// <summary>Judges the windows of <paramref name="model"/>'s versions that are ready; returns the events of episodes that opened.</summary>
    public IReadOnlyList<GatewayEvent> Judge(string model, IEnumerable<VersionWindows> versions, DateTimeOffset now)
    {
        if (!options.Thresholds.TryGetValue(model, out var thresholds) || thresholds.Count == 0)
        {
            return [];
        }

        List<GatewayEvent>? opened = null;
        foreach (var windows in versions)
        {
            var key = (model, windows.Version);
            if (!_versions.TryGetValue(key, out var judgement))
            {
                _versions[key] = judgement = new VersionJudgement();
            }

            foreach (var window in windows.Closed)
            {
                if (window.Labels < options.MinimumLabels || !judgement.Judged.Add(window.Sequence))
                {
                    continue;
                }

                var metrics = window.Metrics();
                foreach (var (name, threshold) in thresholds)
                {
                    if (MetricNames.Find(name) is not { } metric || metrics.FirstOrDefault(m => m.Name == metric)?.Value is not { } value)
                    {
                        // A metric the task does not have (rmse of a classifier), or undefined in this window.
                        continue;
                    }

                    var worse = MetricNames.LowerIsBetter(metric) ? value > threshold : value < threshold;
                    if (judgement.Add(metric, worse, window.Start, options.CleanWindowsToEnd) is { } start)
                    {
                        (opened ??= []).Add(Degraded(model, windows.Version, metric, value, threshold, window, start, now));
                    }
                }
            }

            // Sequences of windows no longer held can never come back: forget them so the set stays small.
            if (windows.Closed.FirstOrDefault() is { } oldest)
            {
                judgement.Judged.RemoveWhere(s => s < oldest.Sequence);
            }
        }

        return (IReadOnlyList<GatewayEvent>?)opened ?? [];
    }

    /// <summary>The metric's episode in progress, if any: its start (tests, reports).</summary>
    public DateTimeOffset? EpisodeStart(string model, int version, string metric) =>
        _versions.TryGetValue((model, version), out var judgement) && judgement.Episodes.TryGetValue(metric, out var episode) ? episode.Start : null;

    /// <summary>The id of a metric's episode: <c>performance-{model}-{version}-{metric}-{episode start, Unix ms}</c>.</summary>
    public static string IdOf(string model, int version, string metric, DateTimeOffset start) =>
        string.Create(CultureInfo.InvariantCulture, $"performance-{model}-{version}-{metric}-{start.ToUnixTimeMilliseconds()}");

    private GatewayEvent Degraded(string model, int version, string metric, double value, double threshold, PerformanceWindow window, DateTimeOffset start, DateTimeOffset now)
    {
        var data = new JsonObject
        {
            ["model"] = model,
            ["version"] = version,
            ["window"] = new JsonObject
            {
                ["from"] = Time(window.Start),
                ["to"] = Time(window.End),
                ["rows"] = window.Rows,
            },
            ["metric"] = metric,
            ["value"] = value,
            ["threshold"] = threshold,
            ["worseWhen"] = MetricNames.LowerIsBetter(metric) ? "above" : "below",
            ["labels"] = window.Labels,
            ["minimumLabels"] = options.MinimumLabels,
            ["episode"] = new JsonObject
            {
                ["start"] = Time(start),
                ["cleanWindowsToEnd"] = options.CleanWindowsToEnd,
            },
        };
        return new GatewayEvent(IdOf(model, version, metric, start), GatewayEventTypes.PerformanceDegraded, now, data);
    }

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    /// <summary>The windows of one version already judged, and each metric's episode.</summary>
    private sealed class VersionJudgement
    {
        public HashSet<long> Judged { get; } = [];

        public Dictionary<string, Episode> Episodes { get; } = new(StringComparer.Ordinal);

        /// <summary>Counts one judged window; returns the episode's start when this window opened one.</summary>
        public DateTimeOffset? Add(string metric, bool worse, DateTimeOffset windowStart, int cleanToEnd)
        {
            if (!Episodes.TryGetValue(metric, out var episode))
            {
                if (!worse)
                {
                    return null;
                }

                Episodes[metric] = new Episode(windowStart);
                return windowStart;
            }

            episode.Clean = worse ? 0 : episode.Clean + 1;
            if (episode.Clean >= cleanToEnd)
            {
                Episodes.Remove(metric);
            }

            return null;
        }
    }

    private sealed class Episode(DateTimeOffset start)
    {
        public DateTimeOffset Start { get; } = start;

        public int Clean { get; set; }
    }
}
