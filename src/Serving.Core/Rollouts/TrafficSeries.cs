using Serving.Core.Inference;

namespace Serving.Core.Rollouts;

/// <summary>
/// One model version's traffic since a step's window opened, counted per whole interval from the window's start
/// (the interval is the step's, so a window judged at a due time ends exactly on a slot boundary). The slots form a
/// ring covering the longest span a window may be judged over; they are made on first use and recycled as time
/// comes round, so memory stays fixed per version, whatever the traffic.
/// </summary>
internal sealed class TrafficSeries
{
    private readonly TrafficSlot?[] _slots;
    private readonly long _originTicks;
    private readonly long _periodTicks;

    public TrafficSeries(DateTimeOffset origin, TimeSpan period, int slots, PredictionBins bins, string? predictionOutput)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(period, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(slots, 3);
        _slots = new TrafficSlot?[slots];
        _originTicks = origin.UtcTicks;
        _periodTicks = period.Ticks;
        Bins = bins;
        PredictionOutput = predictionOutput;
    }

    public PredictionBins Bins { get; }

    /// <summary>The output whose values are binned; null when the version names none.</summary>
    public string? PredictionOutput { get; }

    /// <summary>Counts one request that finished at <paramref name="now"/>; one before the window opened is not counted.</summary>
    public void Add(DateTimeOffset now, InferenceRecord record, bool failed)
    {
        var since = now.UtcTicks - _originTicks;
        if (since < 0)
        {
            return;
        }

        var period = since / _periodTicks;
        var slot = SlotFor(period);
        if (slot.Bucket != period)
        {
            slot.Roll(period);
            if (slot.Bucket != period)
            {
                // A writer so late that the ring has moved past its period: nothing left to add it to.
                return;
            }
        }

        Interlocked.Increment(ref slot.Requests);
        Interlocked.Increment(ref slot.Latency[LatencyBuckets.IndexOf(record.Latency)]);
        if (failed)
        {
            Interlocked.Increment(ref slot.Errors);
        }
        else if (PredictionOutput is not null && record.Response is { } response)
        {
            var outputs = response.Outputs;
            for (var i = 0; i < outputs.Count; i++)
            {
                if (string.Equals(outputs[i].Name, PredictionOutput, StringComparison.Ordinal))
                {
                    Bins.Add(outputs[i], slot.Predictions);
                    break;
                }
            }
        }
    }

    /// <summary>
    /// Sums the periods lying wholly inside [<paramref name="from"/>, <paramref name="to"/>): exactly that window
    /// when both ends lie on period boundaries, as <see cref="RolloutWindow.Judged"/> makes them. Periods the ring
    /// no longer holds, and the slot that is next to be recycled, are left out.
    /// </summary>
    public TrafficWindow Window(DateTimeOffset from, DateTimeOffset to)
    {
        var first = Math.Max(0, CeilDiv(from.UtcTicks - _originTicks, _periodTicks));
        var end = FloorDiv(to.UtcTicks - _originTicks, _periodTicks);
        first = Math.Max(first, end - _slots.Length + 2);
        long requests = 0;
        long errors = 0;
        var latency = new long[LatencyBuckets.Count];
        var predictions = new long[Bins.Count];
        for (var period = first; period < end; period++)
        {
            var slot = Volatile.Read(ref _slots[period % _slots.Length]);
            if (slot is null || slot.Bucket != period)
            {
                continue;
            }

            requests += Volatile.Read(ref slot.Requests);
            errors += Volatile.Read(ref slot.Errors);
            AddInto(latency, slot.Latency);
            AddInto(predictions, slot.Predictions);
        }

        return new TrafficWindow(requests, errors, latency, predictions);
    }

    private TrafficSlot SlotFor(long period)
    {
        ref var slot = ref _slots[period % _slots.Length];
        var existing = Volatile.Read(ref slot);
        if (existing is not null)
        {
            return existing;
        }

        var made = new TrafficSlot(Bins.Count);
        return Interlocked.CompareExchange(ref slot, made, null) ?? made;
    }

    private static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);

    private static long CeilDiv(long a, long b) => -FloorDiv(-a, b);

    private static void AddInto(long[] sum, long[] counts)
    {
        for (var i = 0; i < sum.Length; i++)
        {
            sum[i] += Volatile.Read(ref counts[i]);
        }
    }
}
