namespace Serving.Core.Rollouts;

/// <summary>
/// The fixed, log-spaced latency buckets every traffic series shares, so windows and versions add bucket by bucket.
/// </summary>
public static class LatencyBuckets
{
    /// <summary>Buckets, the last one open-ended.</summary>
    public const int Count = 89;

    // Four buckets per doubling from 10 µs: a bucket's upper bound is 19% above its lower one, fine enough to
    // tell a 40 ms p99 from a 60 ms one, and 88 of them reach 42 s; anything slower shares the last bucket.
    private const double FirstUpperMs = 0.01;
    private const double PerDoubling = 4;

    /// <summary>The bucket a latency falls in: bucket i holds (upper(i-1), upper(i)].</summary>
    public static int IndexOf(TimeSpan latency)
    {
        var ms = latency.TotalMilliseconds;
        if (!(ms > FirstUpperMs))
        {
            return 0;
        }

        var index = Math.Ceiling(Math.Log2(ms / FirstUpperMs) * PerDoubling);
        return index >= Count - 1 ? Count - 1 : (int)index;
    }

    /// <summary>Upper bound of a bucket in milliseconds; the last bucket has none (infinity).</summary>
    public static double UpperBoundMs(int index) =>
        index >= Count - 1 ? double.PositiveInfinity : FirstUpperMs * Math.Pow(2, index / PerDoubling);

    /// <summary>Lower bound of a bucket in milliseconds.</summary>
    public static double LowerBoundMs(int index) => index <= 0 ? 0 : FirstUpperMs * Math.Pow(2, (index - 1) / PerDoubling);

    /// <summary>
    /// The <paramref name="quantile"/> (0 to 1) of the latencies counted in <paramref name="counts"/>, in
    /// milliseconds, interpolated linearly inside its bucket; null when nothing was counted. A quantile that
    /// lands in the open last bucket reads as that bucket's lower bound, the most that is known.
    /// </summary>
    public static double? QuantileMs(ReadOnlySpan<long> counts, double quantile)
    {
        long total = 0;
        foreach (var count in counts)
        {
            total += count;
        }

        if (total == 0)
        {
            return null;
        }

        var rank = Math.Clamp(quantile, 0, 1) * total;
        long below = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            var inBucket = counts[i];
            if (inBucket > 0 && below + inBucket >= rank)
            {
                var lower = LowerBoundMs(i);
                if (i >= Count - 1)
                {
                    return lower;
                }

                var upper = UpperBoundMs(i);
                return lower + ((upper - lower) * Math.Max(0, rank - below) / inBucket);
            }

            below += inBucket;
        }

        return LowerBoundMs(counts.Length - 1);
    }
}
