using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Serving.Core.Registry;

/// <summary>
/// Keeps the registry current: one scan at start, another whenever the folder changes (debounced), and a
/// periodic rescan because file watching misses events on some file systems and mounts.
/// </summary>
public sealed class RegistryWatcher : BackgroundService
{
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(200);

    private readonly ModelRegistry _registry;
    private readonly RegistryOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<RegistryWatcher> _logger;
    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly Dictionary<string, FileSystemWatcher?> _sourceWatchers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _watchFailed = new(StringComparer.Ordinal);

    public RegistryWatcher(ModelRegistry registry, IOptions<RegistryOptions> options, TimeProvider time, ILogger<RegistryWatcher> logger)
    {
        _registry = registry;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    public override void Dispose()
    {
        _signal.Dispose();
        foreach (var watcher in _sourceWatchers.Values)
        {
            watcher?.Dispose();
        }

        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Let the host finish starting: the first scan loads models, which may take a while.
        await Task.Yield();
        var watcher = TryWatch(_options.FullPath);
        var period = TimeSpan.FromSeconds(_options.RescanSeconds);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                // A folder that did not exist at start (or could not be watched) is watched once it can be.
                watcher ??= TryWatch(_options.FullPath);
                WatchSourceRoots();
                await ScanThenWaitAsync(period, stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
        finally
        {
            watcher?.Dispose();
        }
    }

    private async Task ScanThenWaitAsync(TimeSpan period, CancellationToken stoppingToken)
    {
        try
        {
            _registry.Scan();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The watcher must outlive any one bad scan: the next one retries.
            RegistryLog.ScanFailed(_logger, ex);
        }

        await _signal.WaitAsync(period, stoppingToken);
        // Copies raise bursts of events; wait for the burst to pass before scanning.
        await Task.Delay(Debounce, _time, stoppingToken);
    }

    /// <summary>Watches each source root (MLflow downloads) once it exists; one created after start is watched from the next pass.</summary>
    private void WatchSourceRoots()
    {
        foreach (var root in _options.SourceRoots.Select(Path.GetFullPath))
        {
            if (_sourceWatchers.GetValueOrDefault(root) is null)
            {
                _sourceWatchers[root] = TryWatch(root);
            }
        }
    }

    private FileSystemWatcher? TryWatch(string root)
    {
        try
        {
            if (!Directory.Exists(root))
            {
                return null;
            }

            var watcher = new FileSystemWatcher(root)
            {
                IncludeSubdirectories = true,
                NotifyFilter = NotifyFilters.DirectoryName | NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size,
            };
            watcher.Created += (_, _) => Wake();
            watcher.Deleted += (_, _) => Wake();
            watcher.Renamed += (_, _) => Wake();
            watcher.Changed += (_, _) => Wake();
            watcher.EnableRaisingEvents = true;
            return watcher;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or PlatformNotSupportedException)
        {
            // Tried again at every rescan, but said once.
            if (_watchFailed.Add(root))
            {
                RegistryLog.WatchFailed(_logger, root, ex);
            }

            return null;
        }
    }

    private void Wake()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // A scan is already pending; it will see this change too.
        }
        catch (ObjectDisposedException)
        {
            // Shutting down.
        }
    }
}
