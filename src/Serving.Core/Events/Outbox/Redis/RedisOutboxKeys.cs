namespace Serving.Core.Events.Outbox.Redis;

/// <summary>
/// The Redis names of the shared webhook outbox. One hash per event (<c>serving:webhooks:event:&lt;id&gt;</c>: the body,
/// type and, per subscription, <c>s:&lt;sub&gt;</c> its state and <c>d:&lt;sub&gt;</c> its delivery-log entry as JSON), a
/// stream of work for the leader (<c>event</c> and <c>redeliver</c> entries) read through one consumer group, and a
/// sorted set of event ids by the time they were recorded, for the delivery log.
/// </summary>
public static class RedisOutboxKeys
{
    public const string EventPrefix = "serving:webhooks:event:";

    public const string Stream = "serving:webhooks:stream";

    public const string Index = "serving:webhooks:index";

    /// <summary>The consumer group the leader reads <see cref="Stream"/> through; a new leader claims what the old one left.</summary>
    public const string Group = "deliverer";

    public const string StatePrefix = "s:";

    public const string ViewPrefix = "d:";

    public static string EventKey(string eventId) => EventPrefix + eventId;
}
