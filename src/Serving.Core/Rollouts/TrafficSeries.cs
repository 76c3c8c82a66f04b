using Serving.Core.Inference;

namespace Serving.Core.Rollouts;

/// <summary>
/// One model version's traffic in a ring of time buckets covering the longest window asked for; the ring's slots
/// are made on first use and recycled as time comes round, so memory stays fixed per version.
/// </summary>
internal sealed class TrafficSeries
{
    private readonly TrafficSlot?[] _slots;
    private readonly long _bucketTicks;

    public TrafficSeries(int slots, TimeSpan bucketWidth, PredictionBins bins, string? predictionOutput)
    {
        _slots = new TrafficSlot?[slots];
        _bucketTicks = bucketWidth.Ticks;
        Bins = bins;
        PredictionOutput = predictionOutput;
    }

    public PredictionBins Bins { get; }

    /// <summary>The output whose values are binned; null when the version names none.</summary>
    public string? PredictionOutput { get; }

    public long BucketOf(DateTimeOffset time) => time.UtcTicks / _bucketTicks;

    /// <summary>Counts one finished request at <paramref name="now"/>.</summary>
    public void Add(DateTimeOffset now, InferenceRecord record, bool failed)
    {
        var bucket = BucketOf(now);
        var slot = SlotFor(bucket);
        if (slot.Bucket != bucket)
        {
            slot.Roll(bucket);
            if (slot.Bucket != bucket)
            {
                // A writer so late that the ring has moved past its bucket: nothing left to add it to.
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
    /// Sums buckets from the one holding <paramref name="from"/> up to the one before <paramref name="to"/>'s end,
    /// keeping only as many as the ring holds without the slot that is next to be recycled.
    /// </summary>
    public TrafficWindow Window(DateTimeOffset from, DateTimeOffset to)
    {
        var last = (to.UtcTicks - 1) / _bucketTicks;
        var first = Math.Max(BucketOf(from), last - _slots.Length + 2);
        long requests = 0;
        long errors = 0;
        var latency = new long[LatencyBuckets.Count];
        var predictions = new long[Bins.Count];
        for (var bucket = first; bucket <= last; bucket++)
        {
            var slot = Volatile.Read(ref _slots[bucket % _slots.Length]);
            if (slot is null || slot.Bucket != bucket)
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

    private TrafficSlot SlotFor(long bucket)
    {
        ref var slot = ref _slots[bucket % _slots.Length];
        var existing = Volatile.Read(ref slot);
        if (existing is not null)
        {
            return existing;
        }

        var made = new TrafficSlot(Bins.Count);
        return Interlocked.CompareExchange(ref slot, made, null) ?? made;
    }

    private static void AddInto(long[] sum, long[] counts)
    {
        for (var i = 0; i < sum.Length; i++)
        {
            sum[i] += Volatile.Read(ref counts[i]);
        }
    }
}
