using System.Globalization;
using System.Text.Json.Nodes;
using Serving.Core.Events;
using Serving.Core.Monitoring.Logging;

namespace Serving.Core.Monitoring.Drift;

/// <summary>
/// The <c>drift.detected</c> event of a window that opened an episode: which model and version, the window, the
/// dataset figures, the drifted features with their statistics and thresholds, where the window's predictions are
/// logged, and the episode. Its id names the episode, so the event of one episode is the same however often it is built.
/// </summary>
public static class DriftEvents
{
    /// <summary>The id of an episode's event: <c>drift-{model}-{version}-{episode start, Unix ms}</c>.</summary>
    public static string IdOf(string model, int version, DriftEpisode episode)
    {
        ArgumentNullException.ThrowIfNull(episode);
        return string.Create(CultureInfo.InvariantCulture, $"drift-{model}-{version}-{episode.Start.ToUnixTimeMilliseconds()}");
    }

    /// <summary>The event for a report whose window opened an episode (<see cref="VersionDriftReport.OpensEpisode"/>).</summary>
    public static GatewayEvent Detected(string model, VersionDriftReport report, DriftEpisodeSettings rules, PredictionLogLocation predictions)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(predictions);
        var episode = report.Episode ?? throw new ArgumentException("the report has no drift episode", nameof(report));
        var window = report.Window ?? throw new ArgumentException("the report has no closed window", nameof(report));
        var features = new JsonArray();
        foreach (var feature in report.Features.Where(f => f.Drifted))
        {
            features.Add(Feature(feature, report.DriftedInRow.GetValueOrDefault(feature.Name)));
        }

        var data = new JsonObject
        {
            ["model"] = model,
            ["version"] = report.Version,
            ["window"] = new JsonObject
            {
                ["from"] = Time(window.Start),
                ["to"] = Time(window.End),
                ["rows"] = window.Rows,
            },
            ["datasetDrift"] = report.DatasetDrift,
            ["driftedShare"] = report.DriftedShare,
            ["datasetDriftThreshold"] = report.DatasetDriftThreshold,
            ["features"] = features,
            ["episode"] = new JsonObject
            {
                ["start"] = Time(episode.Start),
                ["openedBy"] = episode.OpenedBy,
                ["consecutiveWindows"] = rules.ConsecutiveWindows,
                ["cleanWindowsToEnd"] = rules.CleanWindowsToEnd,
            },
            ["predictions"] = predictions.Describe(model, window.Start, window.End),
        };
        return new GatewayEvent(IdOf(model, report.Version, episode), GatewayEventTypes.DriftDetected, window.End, data);
    }

    private static JsonObject Feature(FeatureDrift feature, int windowsInRow)
    {
        var node = new JsonObject
        {
            ["name"] = feature.Name,
            ["method"] = feature.Method,
            ["statistic"] = Number(feature.Statistic),
            ["pValue"] = Number(feature.PValue),
            ["threshold"] = feature.Threshold,
            ["rows"] = feature.Rows,
            ["windowsInRow"] = windowsInRow,
        };
        if (feature.Psi is { } psi)
        {
            node["psi"] = Number(psi);
            node["psiThreshold"] = feature.PsiThreshold;
        }

        return node;
    }

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    // JSON has no infinity (a chi-square over a category the baseline never saw): null, as in the drift report.
    private static JsonNode? Number(double? value) => value is { } v && double.IsFinite(v) ? JsonValue.Create(v) : null;
}
