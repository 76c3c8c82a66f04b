namespace Serving.Cli.Retraining;

/// <summary>
/// The webhook ids already handled, so a redelivery or a replay does not start a second run. An id counts only once its
/// delivery was answered (a run started or joined, or the event deliberately ignored or refused): one whose handling
/// failed or was cancelled is forgotten, so the sender's redelivery is handled, not lost as a "duplicate". While an id
/// is being handled it is held, so two deliveries of it at once cannot both start a run. An id is kept a little over
/// twice the signature tolerance: older than that, its timestamp alone gets a replay refused.
/// </summary>
public sealed class WebhookIds(TimeProvider time, TimeSpan keep)
{
    /// <summary>What <see cref="Begin"/> found.</summary>
    public enum State
    {
        /// <summary>Not seen: the caller handles it and then calls <see cref="Handled"/> or <see cref="Abandon"/>.</summary>
        New,

        /// <summary>Already handled: a redelivery or replay.</summary>
        Handled,

        /// <summary>Another delivery of it is being handled right now.</summary>
        InFlight,
    }

    private readonly Dictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);
    private readonly Queue<(string Id, DateTimeOffset At)> _order = new();
    private readonly HashSet<string> _inFlight = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Holds the id for the caller's handling when it is new.</summary>
    public State Begin(string id)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            while (_order.TryPeek(out var oldest) && now - oldest.At > keep)
            {
                _order.Dequeue();
                _seen.Remove(oldest.Id);
            }

            return _seen.ContainsKey(id) ? State.Handled : _inFlight.Add(id) ? State.New : State.InFlight;
        }
    }

    /// <summary>The id's delivery was answered: from now on it is a duplicate.</summary>
    public void Handled(string id)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            _inFlight.Remove(id);
            if (_seen.TryAdd(id, now))
            {
                _order.Enqueue((id, now));
            }
        }
    }

    /// <summary>The id's handling failed or was cancelled: it is forgotten, so a redelivery is handled afresh.</summary>
    public void Abandon(string id)
    {
        lock (_lock)
        {
            _inFlight.Remove(id);
        }
    }
}
