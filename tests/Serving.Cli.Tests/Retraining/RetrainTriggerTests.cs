using System.Text.Json.Nodes;
using Serving.Cli.Retraining;

namespace Serving.Cli.Tests.Retraining;

/// <summary>The window of logged predictions a trigger names, read from the event's data.</summary>
public sealed class RetrainTriggerTests
{
    [Theory]
    [InlineData("""{"model": "m", "window": {"from": "2026-12-07T09:00:00Z", "to": "2026-12-07T11:00:00Z", "rows": 500}}""")]
    [InlineData("""{"model": "m", "window": {"start": "2026-12-07T09:00:00Z", "end": "2026-12-07T11:00:00Z"}}""")]
    [InlineData("""{"model": "m", "windowStart": "2026-12-07T09:00:00Z", "windowEnd": "2026-12-07T11:00:00Z"}""")]
    public void The_window_is_read_as_the_events_write_it(string data)
    {
        var (start, end) = RetrainTrigger.WindowOf((JsonObject)JsonNode.Parse(data)!);

        Assert.Equal(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero), start);
        Assert.Equal(new DateTimeOffset(2026, 12, 7, 11, 0, 0, TimeSpan.Zero), end);
    }

    [Fact]
    public void An_event_without_a_window_has_none()
    {
        Assert.Equal((null, null), RetrainTrigger.WindowOf((JsonObject)JsonNode.Parse("""{"model": "m", "schedule": "0 3 * * *"}""")!));
    }
}
