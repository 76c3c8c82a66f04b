using System.Globalization;
using Serving.Gateway.Tests.Hosting;

namespace Serving.Gateway.Tests.Monitoring;

/// <summary>Drift episodes through the real gateway: shifted traffic over REST opens one, shown in the report and counted once.</summary>
public sealed class DriftEpisodeEndpointTests
{
    private static IEnumerable<int> OddRows => Enumerable.Range(0, BreastCancerRows.Count).Where(i => i % 2 == 1).Take(DriftGateway.WindowRows);

    [Fact]
    public async Task Dataset_drift_in_two_windows_opens_one_episode_shown_in_the_report_and_one_event_counted()
    {
        await using var gateway = await DriftGateway.StartAsync();

        await gateway.SendAsync(OddRows.Concat(OddRows), [.. Enumerable.Range(0, 20)]);

        var version = await gateway.VersionTwoAsync();
        Assert.True(version.GetProperty("datasetDrift").GetBoolean());
        var episode = version.GetProperty("episode");
        var start = DateTimeOffset.Parse(episode.GetProperty("start").GetString()!, CultureInfo.InvariantCulture);
        Assert.Equal($"drift-breast-cancer-2-{start.ToUnixTimeMilliseconds()}", episode.GetProperty("eventId").GetString());
        Assert.Equal("dataset", episode.GetProperty("openedBy").GetString());
        Assert.Equal(2, episode.GetProperty("windows").GetInt32());

        var metrics = await gateway.Rest.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
        Assert.Contains("""serving_events_published_total{type="drift.detected"} 1""", metrics, StringComparison.Ordinal);
    }
}
