namespace Serving.Core.Monitoring;

/// <summary>
/// How often the monitoring workers wake up. Draining the queue in bursts rather than per record saves a
/// thread wake-up per request, which on a busy replica costs serving more than the monitoring work itself.
/// Real time, not an injected clock: tests on a fake clock must still see their records processed.
/// </summary>
public static class MonitoringPace
{
    public static readonly TimeSpan BetweenDrains = TimeSpan.FromMilliseconds(25);

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
