namespace Serving.Core.Monitoring;

/// <summary>
/// How often the monitoring workers wake up. Draining the queue in bursts rather than per record saves a
/// thread wake-up per request, which on a busy replica costs serving more than the monitoring work itself.
/// Real time, not an injected clock: tests on a fake clock must still see their records processed.
/// </summary>
public static class MonitoringPace
{
    /// <remarks>
    /// 5 ms: each drain is a burst of work on a core the requests share (about 1 µs a record, so 25 ms of a busy
    /// replica's records made bursts of 1-2 ms), and the requests that wait behind a burst are the p99. Side by side
    /// under wrk on two cores, eight rounds, a gateway draining every 5 ms answered at a p99 of 1.8 ms against 2.3 ms
    /// at 25 ms (1.3 ms with monitoring off), for the same CPU per request within the noise; every 2 ms was no better.
    /// </remarks>
    public static readonly TimeSpan BetweenDrains = TimeSpan.FromMilliseconds(5);

    /// <summary>Waits before the next drain; returns false when stopping.</summary>
    public static async Task<bool> RestAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(BetweenDrains, stoppingToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
