using System.Text.Json.Serialization;

namespace Serving.Core.Events.Outbox;

/// <summary>
/// One line of the outbox journal (<c>outbox.jsonl</c>). Replaying the lines in order rebuilds every event and
/// delivery: <c>event</c> adds an event and its targets, <c>attempt</c> adds one attempt, <c>state</c> changes one
/// delivery's state (adding the delivery when the subscription was not a target: a redelivery to a new receiver).
/// A compacted journal writes each kept delivery as a <c>state</c> line with <see cref="Snapshot"/> set.
/// </summary>
internal sealed record OutboxRecord
{
    public const string EventOp = "event";
    public const string AttemptOp = "attempt";
    public const string StateOp = "state";

    public required string Op { get; init; }

    /// <summary>The event id every line refers to.</summary>
    public required string Event { get; init; }

    public required DateTimeOffset At { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Type { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>The exact body sent (signed as these bytes in UTF-8).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Body { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<OutboxTarget>? Targets { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Subscription { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Url { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Status { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Error { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? DurationMs { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? State { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Reason { get; init; }

    /// <summary>Set on compacted lines: <see cref="Count"/> and <see cref="FirstAttemptAt"/> are taken as written.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Snapshot { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Count { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? FirstAttemptAt { get; init; }
}

/// <summary>A subscription an event was addressed to when it was recorded.</summary>
internal sealed record OutboxTarget(string Subscription, string Url);
