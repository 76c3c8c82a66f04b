using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serving.Core.Contracts;
using Serving.Core.Events;
using Serving.Core.Inference;
using Serving.Core.Monitoring.Logging;
using Serving.Core.Packaging;
using Serving.Core.Registry;

namespace Serving.Core.Monitoring.Drift;

/// <summary>
/// Watches drift without slowing a request: the request path makes one non-blocking write to a bounded queue
/// (a full queue drops the record and counts it). A background worker reads the served version's baseline from
/// the registry, feeds the rows into the windows and closes time windows as their slots end.
/// What one request hands over is bounded whatever its size: past <see cref="DriftSettings.MaxRowsPerRequest"/> rows
/// the queue gets a copied row sample instead of the request, and the queue is bounded in rows
/// (<see cref="DriftSettings.MaxQueuedRows"/>) as well as in requests, so its memory and the work left at shutdown are too.
/// In the gateway the <see cref="MonitoringPipeline"/> feeds it, off the request path; the baseline comes with the
/// record (<see cref="InferenceRecord.Manifest"/>), so the worker does not look the registry up per request.
/// </summary>
public sealed class DriftMonitor : BackgroundService, IMonitoringConsumer
{
    private static readonly TimeSpan TickInterval = TimeSpan.FromSeconds(1);

    private long _budgetSecond = -1;
    private long _budgetUsed;
    private readonly StripedCounter _unsampled = new();
    private readonly Channel<Queued> _queue;
    private readonly ModelRegistry _registry;
    private readonly DriftOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<DriftMonitor> _logger;
    private readonly EventSender _events;
    private readonly PredictionLogLocation _predictions;
    private readonly MonitoringQueue? _intake;
    private long _dropped;
    private long _processed;
    private long _queuedRows;
    private long _rowsLeftOut;
    private int _busy;

    public DriftMonitor(ModelRegistry registry, IOptions<DriftOptions> options, TimeProvider time, ILogger<DriftMonitor> logger)
        : this(registry, options, time, logger, NoEventPublisher.Instance, PredictionLogLocation.None)
    {
    }

    /// <summary>A monitor that also sends <c>drift.detected</c> through <paramref name="events"/>, one per episode.</summary>
    public DriftMonitor(
        ModelRegistry registry, IOptions<DriftOptions> options, TimeProvider time, ILogger<DriftMonitor> logger,
        IGatewayEventPublisher events, PredictionLogLocation predictions, MonitoringQueue? intake = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _registry = registry;
        _options = options.Value;
        _time = time;
        _logger = logger;
        Tracker = new DriftTracker(_options);
        _events = new EventSender(events, logger);
        _predictions = predictions;
        _intake = intake;
        Tracker.WindowClosed += (model, report) => DriftLog.WindowClosed(
            _logger, model, report.Version, report.Window?.Rows ?? 0, report.Features.Count(f => f.Drifted), report.Features.Count, report.DatasetDrift);
        Tracker.WindowClosed += OnWindowClosed;
        _queue = Channel.CreateBounded<Queued>(
            new BoundedChannelOptions(_options.Drift.QueueCapacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true },
            dropped =>
            {
                Interlocked.Add(ref _queuedRows, -dropped.Rows);
                Interlocked.Increment(ref _dropped);
            });
        _registry.Changed += OnRegistryChanged;
    }

    /// <summary>The windows and reports; subscribe to its <see cref="DriftTracker.WindowClosed"/> for metrics.</summary>
    public DriftTracker Tracker { get; }

    /// <summary>Raised when a version's drift state is dropped because it is no longer loaded.</summary>
    public event Action<string, int>? VersionForgotten;

    /// <summary>Records dropped because the queue was full (of requests or of rows).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Records the worker has taken in.</summary>
    public long Processed => Interlocked.Read(ref _processed);

    /// <summary>Records waiting in the queue now.</summary>
    public int Depth => _queue.Reader.Count;

    /// <summary>Rows waiting in the queue now (a sampled request counts its sample).</summary>
    public long QueuedRows => Interlocked.Read(ref _queuedRows);

    /// <summary>Rows of large requests that drift never saw because only a sample of each was kept.</summary>
    public long RowsLeftOut => Interlocked.Read(ref _rowsLeftOut);

    public void Consume(InferenceRecord record)
    {
        if (_options.Drift.Enabled && Admit())
        {
            Enqueue(record);
        }
    }

    void IMonitoringConsumer.Missed(InferenceRecord record)
    {
        if (_options.Drift.Enabled)
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    private void Enqueue(InferenceRecord record)
    {
        var rows = RowsOf(record.Request);
        var maxRows = _options.Drift.MaxRowsPerRequest;
        var kept = Math.Min(rows, maxRows);

        // The row bound is checked before any sampling, so a full queue costs a dropped request nothing more.
        if (Interlocked.Add(ref _queuedRows, kept) > _options.Drift.MaxQueuedRows)
        {
            Interlocked.Add(ref _queuedRows, -kept);
            Interlocked.Increment(ref _dropped);
            return;
        }

        // Ordinary requests (rows within the cap) go in as they are: no copy, no allocation.
        if (rows > maxRows)
        {
            Interlocked.Add(ref _rowsLeftOut, rows - maxRows);
            record = DriftSample.Take(record, rows, maxRows);
        }

        _queue.Writer.TryWrite(new Queued(record, kept));
    }

    /// <summary>A request's rows: the largest leading dimension of its inputs (1 for scalars).</summary>
    private static int RowsOf(InferenceRequest request)
    {
        var rows = 1;
        var inputs = request.Inputs;
        for (var i = 0; i < inputs.Count; i++)
        {
            if (RowSample.RowsOf(inputs[i]) is { } n && n > rows)
            {
                rows = n;
            }
        }

        return rows;
    }

    /// <summary>Requests not sampled because of <see cref="DriftSettings.MaxRequestsPerSecond"/>.</summary>
    public long Unsampled => _unsampled.Value;

    /// <summary>A per-second budget: cheap enough for the request path (one clock read, two atomics).</summary>
    private bool Admit()
    {
        var limit = _options.Drift.MaxRequestsPerSecond;
        if (limit == 0)
        {
            return true;
        }

        var second = Environment.TickCount64 / 1000;
        if (Volatile.Read(ref _budgetSecond) != second)
        {
            // Racy by design: two threads may both reset, which at worst admits a few extra requests.
            Volatile.Write(ref _budgetSecond, second);
            Interlocked.Exchange(ref _budgetUsed, 0);
        }

        // Once this second's budget is spent (nearly every request on a busy replica), a plain read says so:
        // no atomic write on a cache line both cores keep touching.
        if (Volatile.Read(ref _budgetUsed) < limit && Interlocked.Increment(ref _budgetUsed) <= limit)
        {
            return true;
        }

        _unsampled.Increment();
        return false;
    }

    /// <summary>The drift report of a model's loaded versions; null when the registry does not know the model.</summary>
    public DriftReport? Report(string model)
    {
        if (!_registry.Current.Models.TryGetValue(model, out var entry))
        {
            return null;
        }

        return Tracker.Report(model, entry.Loaded.Keys);
    }

    /// <summary>Waits until the queue is empty and the worker idle, and the events it raised are published (tests, shutdown).</summary>
    public async Task FlushAsync(TimeSpan timeout)
    {
        if (_intake is not null)
        {
            await _intake.CatchUpAsync(timeout).ConfigureAwait(false);
        }

        var deadline = DateTime.UtcNow + timeout;
        while ((_queue.Reader.Count > 0 || Volatile.Read(ref _busy) != 0) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5).ConfigureAwait(false);
        }

        await _events.FlushAsync().WaitAsync(timeout).ConfigureAwait(false);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _registry.Changed -= OnRegistryChanged;
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken).ConfigureAwait(false);

        // An episode's event is handed over before the host goes, unless the host stops waiting.
        try
        {
            await _events.FlushAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host gave up waiting; the publisher has whatever it finished.
        }
    }

    /// <summary>Sends <c>drift.detected</c> for a window that opened an episode; other windows send nothing.</summary>
    private void OnWindowClosed(string model, VersionDriftReport report)
    {
        if (!report.OpensEpisode)
        {
            return;
        }

        var gatewayEvent = DriftEvents.Detected(model, report, _options.Drift.Episodes, _predictions);
        DriftLog.EpisodeOpened(_logger, model, report.Version, report.Episode!.OpenedBy, gatewayEvent.Id);
        _events.Send(gatewayEvent);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Off the host's start-up thread at once: a queue already holding work must not hold up StartAsync.
        await Task.Yield();
        var ticks = _options.TimeWindows ? TickAsync(stoppingToken) : Task.CompletedTask;
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                Volatile.Write(ref _busy, 1);

                // Stopping is checked per record: what is still queued at shutdown is dropped, not worked through.
                while (!stoppingToken.IsCancellationRequested && reader.TryRead(out var queued))
                {
                    Interlocked.Add(ref _queuedRows, -queued.Rows);
                    Process(queued.Record);
                }

                Volatile.Write(ref _busy, 0);
                if (!await MonitoringPace.RestAsync(stoppingToken).ConfigureAwait(false))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: what is still queued is not worth the wait.
        }

        await ticks.ConfigureAwait(false);
    }

    private async Task TickAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(TickInterval, _time, stoppingToken).ConfigureAwait(false);
                Tracker.CloseDue(_time.GetUtcNow());
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private void Process(InferenceRecord record)
    {
        Interlocked.Increment(ref _processed);
        if (record.Error is not null || record.Response is null || ManifestOf(record) is not { } manifest)
        {
            return;
        }

        try
        {
            Tracker.Observe(record, manifest);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or IndexOutOfRangeException or ArithmeticException)
        {
            // One odd request must not stop drift monitoring for every model.
            DriftLog.ObserveFailed(_logger, record.Model, record.Version, ex);
        }
    }

    /// <summary>
    /// The served version's manifest: the one the record carries (every record the data plane makes); the registry's
    /// only for a record made without one, whose version may have gone since.
    /// </summary>
    private ModelManifest? ManifestOf(InferenceRecord record) =>
        record.Manifest
        ?? (_registry.Current.Models.TryGetValue(record.Model, out var entry) && entry.Loaded.TryGetValue(record.Version, out var generation)
            ? generation.Manifest
            : null);

    private void OnRegistryChanged(RegistrySnapshot snapshot)
    {
        var gone = Tracker.Forget((model, version) =>
            snapshot.Models.TryGetValue(model, out var entry) && entry.Loaded.ContainsKey(version));
        foreach (var (model, version) in gone)
        {
            VersionForgotten?.Invoke(model, version);
        }
    }

    /// <summary>A queued record and the rows it counts against <see cref="DriftSettings.MaxQueuedRows"/>.</summary>
    private readonly record struct Queued(InferenceRecord Record, int Rows);
}
