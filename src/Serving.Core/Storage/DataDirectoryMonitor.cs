using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Serving.Core.Storage;

/// <summary>
/// Checks the data directory before the gateway starts serving and says in one line when it cannot be written;
/// then checks again now and then, so the status (and <c>/metrics</c>) follows a volume that is fixed or lost.
/// Never stops the gateway: a model server that cannot save state still serves.
/// </summary>
public sealed class DataDirectoryMonitor(DataDirectoryStatus status, TimeProvider time, ILogger<DataDirectoryMonitor> logger) : BackgroundService
{
    /// <summary>How often the folder is checked after start-up (a one-byte file written and deleted).</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    private PeriodicTimer? _timer;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Done before the hosted services registered after this one (the registry's first scan) and the server.
        CheckAndReport();
        // Started here, not in ExecuteAsync (which runs later, on the pool): the next check is due one interval from now.
        _timer = new PeriodicTimer(Interval, time);
        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _timer?.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _timer!.WaitForNextTickAsync(stoppingToken))
            {
                CheckAndReport();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private void CheckAndReport()
    {
        var (before, after) = status.Check();
        if (!after.Writable && before.Writable)
        {
            StorageLog.NotWritable(logger, after.Path, after.Problem ?? "unknown reason");
        }
        else if (after.Writable && !before.Writable)
        {
            StorageLog.WritableAgain(logger, after.Path);
        }
    }
}
