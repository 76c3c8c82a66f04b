using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using HdrHistogram;
using Serving.Gateway.Grpc.Protocol;

namespace Serving.LoadTests.GrpcLoad;

/// <summary>
/// Runs N callers that send the same request back to back over one client (one HTTP/2 connection), first for an
/// unmeasured warm-up, then for a measured phase that ends at the duration or the request cap, whichever is first.
/// </summary>
internal sealed class LoadRunner(GRPCInferenceService.GRPCInferenceServiceClient client, ModelInferRequest request, int concurrency)
{
    // A call slower than this is off the scale; HdrHistogram clamps nothing, so the bound must hold every value.
    private const long HighestMicros = 60_000_000;

    // Extra time after the phase's end for calls in flight, so a stalled server cannot hold the run open.
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);

    /// <summary>Sends calls for <paramref name="duration"/> without recording them, so JIT and pools settle.</summary>
    public Task WarmUpAsync(TimeSpan duration) => RunPhaseAsync(duration, long.MaxValue);

    /// <summary>The measured phase.</summary>
    public Task<LoadResult> MeasureAsync(TimeSpan duration, long maxRequests) => RunPhaseAsync(duration, maxRequests);

    private async Task<LoadResult> RunPhaseAsync(TimeSpan duration, long maxRequests)
    {
        var phase = new Phase(Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency), maxRequests);
        using var abort = new CancellationTokenSource(duration + Grace);
        var started = Stopwatch.GetTimestamp();
        var callers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(() => CallerAsync(phase, abort.Token))).ToArray();
        var histograms = await Task.WhenAll(callers);
        var elapsed = Stopwatch.GetElapsedTime(started);

        var total = new LongHistogram(HighestMicros, 3);
        foreach (var histogram in histograms)
        {
            total.Add(histogram);
        }

        return new LoadResult(total.TotalCount, phase.FailureCount, elapsed, total, phase.Failures);
    }

    private async Task<HistogramBase> CallerAsync(Phase phase, CancellationToken abort)
    {
        var latencies = new LongHistogram(HighestMicros, 3);
        while (Stopwatch.GetTimestamp() < phase.EndTimestamp && phase.TryTake())
        {
            var start = Stopwatch.GetTimestamp();
            try
            {
                await client.ModelInferAsync(request, cancellationToken: abort);
                latencies.RecordValue(Math.Min(HighestMicros, (long)Stopwatch.GetElapsedTime(start).TotalMicroseconds));
            }
            catch (RpcException e)
            {
                phase.Fail(e.StatusCode.ToString());
                if (abort.IsCancellationRequested)
                {
                    break;
                }
            }
        }

        return latencies;
    }

    /// <summary>Shared state of one phase: its end, the request budget left, and failures by status.</summary>
    private sealed class Phase(long endTimestamp, long budget)
    {
        private long _budget = budget;
        private long _failureCount;

        public long EndTimestamp { get; } = endTimestamp;

        public ConcurrentDictionary<string, long> Failures { get; } = new();

        public long FailureCount => Interlocked.Read(ref _failureCount);

        public bool TryTake() => Interlocked.Decrement(ref _budget) >= 0;

        public void Fail(string status)
        {
            Interlocked.Increment(ref _failureCount);
            Failures.AddOrUpdate(status, 1, (_, n) => n + 1);
        }
    }
}
