using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Serving.Core.Events;
using Serving.Core.Monitoring.Drift;
using Serving.Core.Monitoring.Logging;
using Serving.Core.Tests.Support;

namespace Serving.Core.Tests.Monitoring.Drift;

/// <summary>
/// drift.detected from real breast-cancer traffic, one 200-row count window per request: one event per episode,
/// however many windows it lasts; clean windows end it; a single feature opens one only after K windows in a row.
/// </summary>
public sealed class DriftEpisodeTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    // Odd rows of the training data: unshifted they drift nowhere; shifted features drift (FeatureDriftTests).
    private static readonly float[][] Odd = [.. BreastCancerTraffic.Rows.Where((_, i) => i % 2 == 1).Take(200)];

    private readonly TestRegistry _registry = new();
    private readonly RecordingEventPublisher _events = new();
    private readonly string _logs = Directory.CreateTempSubdirectory("predictions-").FullName;
    private DateTimeOffset _at = T0;

    public void Dispose()
    {
        _registry.Dispose();
        Directory.Delete(_logs, recursive: true);
    }

    private static IEnumerable<float[]> Clean => Odd;

    private static IEnumerable<float[]> DatasetDrift => Odd.Select(r => BreastCancerTraffic.Scaled(r, Enumerable.Range(0, 20), 1.5f));

    // One feature (mean radius) shifted: it drifts, the dataset does not.
    private static IEnumerable<float[]> OneFeature => Odd.Select(r => BreastCancerTraffic.Scaled(r, [0], 1.5f));

    private DriftMonitor Monitor(int consecutive = 3, int cleanToEnd = 3)
    {
        var options = new DriftOptions { WindowRows = 200 };
        options.Drift.Episodes.ConsecutiveWindows = consecutive;
        options.Drift.Episodes.CleanWindowsToEnd = cleanToEnd;
        return new DriftMonitor(_registry.Registry, Options.Create(options), _registry.Time, NullLogger<DriftMonitor>.Instance, _events, PredictionLogLocation.Files(_logs));
    }

    /// <summary>Closes one window of these rows, a minute after the last one, and waits for what it published.</summary>
    private async Task<VersionDriftReport> WindowAsync(DriftMonitor monitor, IEnumerable<float[]> rows)
    {
        monitor.Tracker.Observe(BreastCancerTraffic.Record([.. rows], _at), BreastCancerTraffic.Manifest);
        _at = _at.AddMinutes(1);
        await monitor.FlushAsync(TimeSpan.FromSeconds(10));
        return monitor.Tracker.Report("breast-cancer", [2]).Versions.Single();
    }

    private IReadOnlyList<GatewayEvent> Detected => _events.OfType(GatewayEventTypes.DriftDetected);

    [Fact]
    public async Task The_traffic_used_is_clean_drifts_as_a_dataset_or_drifts_in_one_feature()
    {
        using var monitor = Monitor();

        var clean = await WindowAsync(monitor, Clean);
        var dataset = await WindowAsync(monitor, DatasetDrift);
        var one = await WindowAsync(monitor, OneFeature);

        Assert.DoesNotContain(clean.Features, f => f.Drifted);
        Assert.True(dataset.DatasetDrift);
        Assert.Equal(["mean radius"], one.Features.Where(f => f.Drifted).Select(f => f.Name));
        Assert.False(one.DatasetDrift);
    }

    [Fact]
    public async Task Drifted_traffic_over_several_windows_sends_exactly_one_drift_detected()
    {
        using var monitor = Monitor();
        await WindowAsync(monitor, Clean);
        var windowStart = _at;

        VersionDriftReport last = null!;
        for (var i = 0; i < 5; i++)
        {
            last = await WindowAsync(monitor, DatasetDrift);
        }

        var sent = Assert.Single(Detected);
        Assert.Equal($"drift-breast-cancer-2-{windowStart.ToUnixTimeMilliseconds()}", sent.Id);
        Assert.Equal(5, last.Episode!.Windows);
        Assert.Equal(windowStart, last.Episode.Start);
        Assert.Equal("dataset", last.Episode.OpenedBy);
    }

    [Fact]
    public async Task The_event_says_which_version_and_window_the_drifted_features_their_tests_and_where_the_predictions_are()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_logs, "breast-cancer")).FullName;
        File.WriteAllText(Path.Combine(folder, "2026-03-01.jsonl"), "{}\n");
        File.WriteAllText(Path.Combine(folder, "2026-03-01.1.jsonl"), "{}\n");
        File.WriteAllText(Path.Combine(folder, "2026-02-28.jsonl"), "{}\n");
        File.WriteAllText(Path.Combine(folder, "2026-03-01-notes.jsonl"), "{}\n");
        using var monitor = Monitor();

        var report = await WindowAsync(monitor, DatasetDrift);

        var sent = Assert.Single(Detected);
        var data = JsonDocument.Parse(sent.Data.ToJsonString()).RootElement;
        Assert.Equal("breast-cancer", data.GetProperty("model").GetString());
        Assert.Equal(2, data.GetProperty("version").GetInt32());
        Assert.Equal(T0, DateTimeOffset.Parse(data.GetProperty("window").GetProperty("from").GetString()!, CultureInfo.InvariantCulture));
        Assert.Equal(200, data.GetProperty("window").GetProperty("rows").GetInt64());
        Assert.True(data.GetProperty("datasetDrift").GetBoolean());
        Assert.Equal(report.DriftedShare, data.GetProperty("driftedShare").GetDouble(), 1e-12);
        Assert.Equal(0.5, data.GetProperty("datasetDriftThreshold").GetDouble(), 1e-12);

        var features = data.GetProperty("features").EnumerateArray().ToList();
        Assert.Equal(report.Features.Where(f => f.Drifted).Select(f => f.Name), features.Select(f => f.GetProperty("name").GetString()));
        var radius = features.Single(f => f.GetProperty("name").GetString() == "mean radius");
        var expected = report.Features.Single(f => f.Name == "mean radius");
        Assert.Equal(DriftMethods.KolmogorovSmirnov, radius.GetProperty("method").GetString());
        Assert.Equal(expected.Statistic, radius.GetProperty("statistic").GetDouble(), 1e-12);
        Assert.Equal(expected.PValue!.Value, radius.GetProperty("pValue").GetDouble(), 1e-12);
        Assert.Equal(0.05, radius.GetProperty("threshold").GetDouble(), 1e-12);

        var predictions = data.GetProperty("predictions");
        Assert.Equal("files", predictions.GetProperty("sink").GetString());
        Assert.Equal(folder, predictions.GetProperty("directory").GetString());
        Assert.Equal(["2026-03-01.jsonl", "2026-03-01.1.jsonl"], predictions.GetProperty("files").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(T0, DateTimeOffset.Parse(data.GetProperty("episode").GetProperty("start").GetString()!, CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Clean_windows_end_the_episode_and_new_drift_sends_a_second_event_with_a_new_id()
    {
        using var monitor = Monitor(cleanToEnd: 3);
        await WindowAsync(monitor, DatasetDrift);
        await WindowAsync(monitor, DatasetDrift);
        await WindowAsync(monitor, Clean);
        await WindowAsync(monitor, Clean);
        var stillOpen = await WindowAsync(monitor, DatasetDrift);
        Assert.Single(Detected);
        Assert.Equal(0, stillOpen.Episode!.CleanWindows);

        await WindowAsync(monitor, Clean);
        await WindowAsync(monitor, Clean);
        var ended = await WindowAsync(monitor, Clean);
        Assert.Null(ended.Episode);
        Assert.Single(Detected);

        var secondStart = _at;
        await WindowAsync(monitor, DatasetDrift);

        Assert.Equal(2, Detected.Count);
        Assert.NotEqual(Detected[0].Id, Detected[1].Id);
        Assert.Equal($"drift-breast-cancer-2-{secondStart.ToUnixTimeMilliseconds()}", Detected[1].Id);
    }

    [Fact]
    public async Task One_feature_opens_an_episode_only_after_K_windows_in_a_row()
    {
        using var monitor = Monitor(consecutive: 3);

        await WindowAsync(monitor, OneFeature);
        await WindowAsync(monitor, OneFeature);
        await WindowAsync(monitor, Clean);
        await WindowAsync(monitor, OneFeature);
        await WindowAsync(monitor, OneFeature);
        Assert.Empty(Detected);

        var third = _at;
        var report = await WindowAsync(monitor, OneFeature);

        var sent = Assert.Single(Detected);
        Assert.Equal("feature", report.Episode!.OpenedBy);
        Assert.Equal($"drift-breast-cancer-2-{third.ToUnixTimeMilliseconds()}", sent.Id);
        var feature = Assert.Single(JsonDocument.Parse(sent.Data.ToJsonString()).RootElement.GetProperty("features").EnumerateArray());
        Assert.Equal("mean radius", feature.GetProperty("name").GetString());
        Assert.Equal(3, feature.GetProperty("windowsInRow").GetInt32());
    }

    [Fact]
    public async Task The_drift_report_shows_the_episode_in_progress_with_its_event_id()
    {
        using var monitor = Monitor();
        await WindowAsync(monitor, DatasetDrift);
        await WindowAsync(monitor, Clean);

        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            DriftReportJson.Write(writer, monitor.Tracker.Report("breast-cancer", [2]));
        }

        var episode = JsonDocument.Parse(Encoding.UTF8.GetString(stream.ToArray())).RootElement.GetProperty("versions")[0].GetProperty("episode");
        Assert.Equal(Assert.Single(Detected).Id, episode.GetProperty("eventId").GetString());
        Assert.Equal(2, episode.GetProperty("windows").GetInt64());
        Assert.Equal(1, episode.GetProperty("cleanWindows").GetInt32());
    }

    [Theory]
    [InlineData(0, 3, "Serving:Monitoring:Drift:Episodes:ConsecutiveWindows is '0'")]
    [InlineData(3, 0, "Serving:Monitoring:Drift:Episodes:CleanWindowsToEnd is '0'")]
    public void Episode_settings_out_of_range_are_named_at_start_up(int consecutive, int cleanToEnd, string expected)
    {
        var options = new DriftOptions();
        options.Drift.Episodes.ConsecutiveWindows = consecutive;
        options.Drift.Episodes.CleanWindowsToEnd = cleanToEnd;

        Assert.Contains(options.Validate(), p => p.StartsWith(expected, StringComparison.Ordinal));
    }
}
