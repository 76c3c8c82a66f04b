using System.Text.Json.Serialization;

namespace Serving.Core.Events.Outbox;

/// <summary>One try to send an event to one receiver.</summary>
/// <param name="At">When it was sent (its webhook-timestamp).</param>
/// <param name="StatusCode">The receiver's HTTP status; null when none came (refused, timed out).</param>
/// <param name="Error">Why no status came, or null.</param>
/// <param name="DurationMs">From sending to the answer's headers, or to the failure.</param>
public sealed record DeliveryAttempt(DateTimeOffset At, int? StatusCode, string? Error, double DurationMs)
{
    /// <summary>True for a 2xx answer.</summary>
    [JsonIgnore]
    public bool Succeeded => StatusCode is >= 200 and <= 299;

    /// <summary>The attempt's result class for metrics: 2xx … 5xx, or error.</summary>
    [JsonIgnore]
    public string ResultClass => StatusCode is { } code ? $"{code / 100}xx" : "error";
}
