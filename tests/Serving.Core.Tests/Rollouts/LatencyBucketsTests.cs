using Serving.Core.Rollouts;

namespace Serving.Core.Tests.Rollouts;

public sealed class LatencyBucketsTests
{
    private static long[] Histogram(IEnumerable<double> latenciesMs)
    {
        var counts = new long[LatencyBuckets.Count];
        foreach (var ms in latenciesMs)
        {
            counts[LatencyBuckets.IndexOf(TimeSpan.FromMilliseconds(ms))]++;
        }

        return counts;
    }

    [Fact]
    public void A_latency_falls_in_the_bucket_whose_bounds_hold_it()
    {
        foreach (var ms in new[] { 0.05, 1, 7.3, 20, 499, 5000 })
        {
            var index = LatencyBuckets.IndexOf(TimeSpan.FromMilliseconds(ms));

            Assert.InRange(ms, LatencyBuckets.LowerBoundMs(index), LatencyBuckets.UpperBoundMs(index));
        }
    }

    [Fact]
    public void The_p99_of_uniform_latencies_is_within_a_tenth_of_the_exact_one()
    {
        var counts = Histogram(Enumerable.Range(1, 1000).Select(i => (double)i));

        var p99 = LatencyBuckets.QuantileMs(counts, 0.99);

        // Buckets are 19% wide and the estimate interpolates inside one, so it is off by at most about half that.
        Assert.InRange(p99!.Value, 990 * 0.9, 990 * 1.1);
    }

    [Fact]
    public void The_p99_ignores_the_slowest_one_percent()
    {
        var counts = Histogram(Enumerable.Repeat(10.0, 990).Concat(Enumerable.Repeat(400.0, 10)));

        Assert.InRange(LatencyBuckets.QuantileMs(counts, 0.99)!.Value, 8.4, 10.4);
    }

    [Fact]
    public void The_p99_sees_a_slow_tail_larger_than_one_percent()
    {
        var counts = Histogram(Enumerable.Repeat(10.0, 980).Concat(Enumerable.Repeat(400.0, 20)));

        Assert.InRange(LatencyBuckets.QuantileMs(counts, 0.99)!.Value, 380, 465);
    }

    [Fact]
    public void Latencies_beyond_the_last_bound_share_the_open_last_bucket()
    {
        Assert.Equal(LatencyBuckets.Count - 1, LatencyBuckets.IndexOf(TimeSpan.FromMinutes(5)));
        Assert.Equal(0, LatencyBuckets.IndexOf(TimeSpan.Zero));
    }

    [Fact]
    public void No_latencies_have_no_p99()
    {
        Assert.Null(LatencyBuckets.QuantileMs(new long[LatencyBuckets.Count], 0.99));
    }
}
