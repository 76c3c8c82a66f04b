using System.Globalization;
using System.Text.Json.Nodes;

namespace Serving.Cli.Retraining;

/// <summary>
/// What asks for a run: a verified webhook (its id, type and body) or a person (<c>POST /runs</c>). The window is the
/// period whose logged predictions join the training data; null ends take the config's look-back before the event.
/// </summary>
public sealed record RetrainTrigger(string Model, string? EventId, string EventType, DateTimeOffset At, DateTimeOffset? WindowStart, DateTimeOffset? WindowEnd, string EventJson)
{
    /// <summary>The event type of a run started by hand.</summary>
    public const string Manual = "manual";

    /// <summary>
    /// Reads the window from an event's data: <c>window: {from, to}</c> as the gateway's drift.detected and
    /// performance.degraded write it (or <c>{start, end}</c>, as its reports do), else <c>windowStart</c>/<c>windowEnd</c>;
    /// absent or unreadable ends are null.
    /// </summary>
    public static (DateTimeOffset? Start, DateTimeOffset? End) WindowOf(JsonObject? data)
    {
        if (data is null)
        {
            return (null, null);
        }

        if (data["window"] is JsonObject window)
        {
            return (TimeOf(window["from"]) ?? TimeOf(window["start"]), TimeOf(window["to"]) ?? TimeOf(window["end"]));
        }

        return (TimeOf(data["windowStart"]), TimeOf(data["windowEnd"]));
    }

    private static DateTimeOffset? TimeOf(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text)
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : null;
}
