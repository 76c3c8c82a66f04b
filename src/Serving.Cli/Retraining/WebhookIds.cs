namespace Serving.Cli.Retraining;

/// <summary>
/// The webhook ids already received, so a redelivery or a replay does not start a second run. An id is kept a little
/// over twice the signature tolerance: older than that, its timestamp alone gets a replay refused.
/// </summary>
public sealed class WebhookIds(TimeProvider time, TimeSpan keep)
{
    private readonly Dictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);
    private readonly Queue<(string Id, DateTimeOffset At)> _order = new();
    private readonly Lock _lock = new();

    /// <summary>Records the id; false when it was already there.</summary>
    public bool TryAdd(string id)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            while (_order.TryPeek(out var oldest) && now - oldest.At > keep)
            {
                _order.Dequeue();
                _seen.Remove(oldest.Id);
            }

            if (!_seen.TryAdd(id, now))
            {
                return false;
            }

            _order.Enqueue((id, now));
            return true;
        }
    }
}
