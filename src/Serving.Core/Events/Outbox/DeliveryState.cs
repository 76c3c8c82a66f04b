namespace Serving.Core.Events.Outbox;

/// <summary>Where one (event, subscription) delivery stands; the wire names are lower case.</summary>
public static class DeliveryState
{
    /// <summary>Not delivered yet: waiting, being tried, or between retries.</summary>
    public const string Pending = "pending";

    /// <summary>The receiver answered 2xx. Never sent again unless redelivered by hand.</summary>
    public const string Delivered = "delivered";

    /// <summary>Given up: the retry horizon passed, or the receiver refused the event (a 4xx other than 408 and 429).</summary>
    public const string Failed = "failed";

    /// <summary>Not sent: the subscription was deleted before the event reached it.</summary>
    public const string Cancelled = "cancelled";

    public static bool IsFinished(string state) => state != Pending;
}
