using System.Net;
using Microsoft.Extensions.Options;
using Serving.Gateway.Tests.Hosting;

namespace Serving.Gateway.Tests.Monitoring;

/// <summary>
/// The event producers' settings are checked when the gateway starts, each problem naming its key (a bad retraining
/// schedule: <see cref="Hosting.StartupErrorTests"/>, as the built gateway); their counter is on /metrics.
/// </summary>
public sealed class EventProducerSettingsTests
{
    [Theory]
    [InlineData("Serving:Monitoring:Performance:Thresholds:iris:accuracy", "1.5", "Serving:Monitoring:Performance:Thresholds:iris:accuracy is '1.5'; use a number from 0 to 1")]
    [InlineData("Serving:Monitoring:Performance:Thresholds:iris:acuracy", "0.9", "Serving:Monitoring:Performance:Thresholds:iris:acuracy names no metric")]
    [InlineData("Serving:Monitoring:Drift:Episodes:CleanWindowsToEnd", "0", "Serving:Monitoring:Drift:Episodes:CleanWindowsToEnd is '0'; use a whole number from 1 to 1000")]
    public async Task A_bad_setting_stops_start_up_and_names_its_key(string key, string value, string expected)
    {
        using var registry = new SampleRegistry("iris");
        await using var host = new GatewayHost(registry.Path, new Dictionary<string, string?> { [key] = value });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(host.StartAsync);

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_valid_schedule_and_thresholds_start_and_the_published_events_counter_shows_every_type_at_zero()
    {
        using var registry = new SampleRegistry("iris");
        await using var host = await new GatewayHost(registry.Path, new Dictionary<string, string?>
        {
            ["Serving:Retraining:Schedules:iris"] = "0 3 * * 1",
            ["Serving:Monitoring:Performance:Thresholds:iris:accuracy"] = "0.9",
        }).StartAsync();
        using var client = host.CreateRestClient();

        var response = await client.GetAsync("/metrics", TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("""serving_events_published_total{type="drift.detected"} 0""", text, StringComparison.Ordinal);
        Assert.Contains("""serving_events_published_total{type="retrain.scheduled"} 0""", text, StringComparison.Ordinal);
    }
}
