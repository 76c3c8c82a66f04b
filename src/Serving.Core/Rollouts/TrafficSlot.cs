namespace Serving.Core.Rollouts;

/// <summary>
/// One period (a whole step interval) of one version's traffic. Writers add with <see cref="Interlocked"/>; the slot is cleared and
/// re-tagged under its lock only when the ring comes round to it again, once per period.
/// </summary>
internal sealed class TrafficSlot
{
    private readonly Lock _roll = new();
    private long _bucket = -1;

    public TrafficSlot(int predictionBins) => Predictions = new long[predictionBins];

    /// <summary>The period (number of whole intervals since the window opened) the counts belong to.</summary>
    public long Bucket => Volatile.Read(ref _bucket);

    public long Requests;

    public long Errors;

    public readonly long[] Latency = new long[LatencyBuckets.Count];

    public readonly long[] Predictions;

    /// <summary>Makes the slot hold <paramref name="bucket"/>, clearing what an older bucket left.</summary>
    public void Roll(long bucket)
    {
        lock (_roll)
        {
            if (_bucket >= bucket)
            {
                // Another writer rolled it first, or a late writer would clear a newer bucket: keep it.
                return;
            }

            Volatile.Write(ref Requests, 0);
            Volatile.Write(ref Errors, 0);
            Array.Clear(Latency);
            Array.Clear(Predictions);

            // Tagged last: a writer that sees the new tag adds to cleared counts.
            Volatile.Write(ref _bucket, bucket);
        }
    }
}
