using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serving.Core.Contracts;
using Serving.Core.Events;
using Serving.Core.Inference;
using Serving.Core.Registry;
using Serving.Core.Rollouts;

namespace Serving.Core.Monitoring.Performance;

/// <summary>
/// Live performance from ground truth. The request path reads a finished prediction's answer into a few numbers
/// (while the answer is still in its core's cache) and makes a non-blocking write to a bounded queue (a full queue
/// drops and counts); a background reader files them into per-version windows by prediction time, and feedback
/// joins labels to them by prediction id. It is also the live accuracy that canary analysis compares.
/// In the gateway the <see cref="MonitoringPipeline"/> feeds it, off the request path, and it files each prediction
/// on the pipeline's own thread (its queue and reader serve only a monitor used without a pipeline); the manifest
/// comes with the record (<see cref="InferenceRecord.Manifest"/>), so it does not look the registry up per request.
/// </summary>
public sealed class PerformanceMonitor : BackgroundService, IMonitoringConsumer, ILiveAccuracySource
{
    private readonly Channel<ReadPrediction> _queue;
    private readonly Func<string, int, ModelManifest?> _manifests;
    private readonly PerformanceOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<PerformanceMonitor> _logger;
    private readonly Lock _lock = new();
    private readonly PerformanceStore _store;
    private readonly PerformanceEpisodes _episodes;
    private readonly EventSender _events;
    private readonly ConditionalWeakTable<ModelManifest, PredictionLayout> _layouts = [];
    private readonly StripedCounter _queued = new();
    private readonly PredictedRowsBuffer _unread = new();
    private readonly MonitoringQueue? _intake;
    private long _processed;
    private long _dropped;

    public PerformanceMonitor(ModelRegistry registry, IOptions<PerformanceOptions> options, TimeProvider time, ILogger<PerformanceMonitor> logger)
        : this(ManifestsOf(registry), options.Value, time, logger)
    {
    }

    /// <summary>
    /// A monitor that also sends <c>performance.degraded</c> through <paramref name="events"/> (one per episode) and
    /// hands every accepted label to <paramref name="labels"/> (the durable labels log), where given.
    /// </summary>
    public PerformanceMonitor(ModelRegistry registry, IOptions<PerformanceOptions> options, TimeProvider time, ILogger<PerformanceMonitor> logger, IGatewayEventPublisher? events, IFeedbackLabelSink? labels, MonitoringQueue? intake = null)
        : this(ManifestsOf(registry), options.Value, time, logger, events, labels, intake)
    {
    }

    internal PerformanceMonitor(Func<string, int, ModelManifest?> manifests, PerformanceOptions options, TimeProvider time, ILogger<PerformanceMonitor> logger, IGatewayEventPublisher? events = null, IFeedbackLabelSink? labels = null, MonitoringQueue? intake = null)
    {
        _intake = intake;
        _episodes = new PerformanceEpisodes(options);
        _events = new EventSender(events ?? NoEventPublisher.Instance, logger);
        _manifests = manifests;
        _options = options;
        _time = time;
        _logger = logger;
        _store = new PerformanceStore(options, labels);
        _queue = Channel.CreateBounded<ReadPrediction>(
            new BoundedChannelOptions(options.QueueCapacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true },
            _ => Interlocked.Increment(ref _dropped));
    }

    /// <summary>Predictions dropped because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Predictions waiting in the queue now.</summary>
    public int Depth => _queue.Reader.Count;

    /// <summary>Predictions held for labels now.</summary>
    public int HeldPredictions
    {
        get
        {
            lock (_lock)
            {
                return _store.HeldPredictions;
            }
        }
    }

    /// <summary>Labels waiting for their prediction now.</summary>
    public int PendingLabels
    {
        get
        {
            lock (_lock)
            {
                return _store.PendingLabels;
            }
        }
    }

    /// <summary>What the labels waiting for their prediction cost now, in bytes (bounded by MaxPendingBytes).</summary>
    public long PendingBytes
    {
        get
        {
            lock (_lock)
            {
                return _store.PendingBytes;
            }
        }
    }

    /// <summary>Feedback outcomes since start.</summary>
    public FeedbackCounts Counts
    {
        get
        {
            lock (_lock)
            {
                return _store.Counts;
            }
        }
    }

    public void Consume(InferenceRecord record)
    {
        if (!_options.Enabled || Read(record) is not { } prediction)
        {
            return;
        }

        _queued.Increment();
        if (_intake is null)
        {
            _queue.Writer.TryWrite(prediction);
            return;
        }

        // Fed by the pipeline: filed here, on the pipeline's thread. Filing is a few counters under a lock, and a
        // second queue with its own reader cost a thread wake-up every drain, more than the filing itself.
        File(prediction);
        Interlocked.Increment(ref _processed);
    }

    void IMonitoringConsumer.Drained()
    {
        if (_intake is not null)
        {
            // Labels may have joined rows of the window that just closed before it closed.
            JudgeThresholds();
        }
    }

    void IMonitoringConsumer.Missed(InferenceRecord record)
    {
        // Counted as a drop of this monitor's own queue would be: only what it would have taken.
        if (_options.Enabled && record.Error is null && record.Response?.Id is not null)
        {
            _queued.Increment();
            Interlocked.Increment(ref _dropped);
        }
    }

    /// <summary>
    /// Waits (up to <paramref name="timeout"/>) until every prediction finished before this call has been taken in,
    /// so feedback right after a prediction finds it.
    /// </summary>
    public async Task CatchUpAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        // Real time, not the injected clock: this waits on the reader thread, not on anything the clock drives.
        // First the pipeline hands over what finished before now, then this monitor's reader files it.
        var started = Stopwatch.GetTimestamp();
        if (_intake is not null)
        {
            await _intake.CatchUpAsync(timeout, cancellationToken);
        }

        var target = _queued.Value;
        while (Interlocked.Read(ref _processed) + Dropped < target && Stopwatch.GetElapsedTime(started) < timeout)
        {
            await Task.Delay(2, cancellationToken);
        }
    }

    /// <summary>Joins labels to predictions by id; unknown ids and labels that do not fit are counted and explained, never thrown.</summary>
    public FeedbackResult AddFeedback(IReadOnlyList<FeedbackItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        FeedbackResult result;
        lock (_lock)
        {
            result = _store.AddFeedback(items, _time.GetUtcNow());
        }

        JudgeThresholds();
        return result;
    }

    /// <summary>Start of the metric's episode in progress for a version; null when it is not degraded (tests).</summary>
    internal DateTimeOffset? EpisodeStart(string model, int version, string metric)
    {
        lock (_lock)
        {
            return _episodes.EpisodeStart(model, version, metric);
        }
    }

    /// <summary>Waits until every <c>performance.degraded</c> raised so far is handed to the publisher (tests, shutdown).</summary>
    public Task FlushEventsAsync() => _events.FlushAsync();

    /// <summary>
    /// Judges windows that became ready (closed, with enough labels) against the configured thresholds and sends the
    /// events of episodes that opened. Cheap when nothing is ready: windows are judged once, and only models with
    /// thresholds are looked at.
    /// </summary>
    internal void JudgeThresholds()
    {
        if (_options.Thresholds.Count == 0)
        {
            return;
        }

        List<GatewayEvent> opened = [];
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            foreach (var model in _options.Thresholds.Keys)
            {
                opened.AddRange(_episodes.Judge(model, _store.VersionsOf(model), now));
            }
        }

        foreach (var gatewayEvent in opened)
        {
            PerformanceLog.Degraded(_logger, gatewayEvent.Data["model"]!.GetValue<string>(), gatewayEvent.Data["version"]!.GetValue<int>(), gatewayEvent.Data["metric"]!.GetValue<string>(), gatewayEvent.Id);
            _events.Send(gatewayEvent);
        }
    }

    /// <summary>The performance report of one model (empty versions until it has served).</summary>
    public PerformanceReport Report(string model)
    {
        lock (_lock)
        {
            _store.Evict(_time.GetUtcNow());
            return _store.Report(model);
        }
    }

    /// <summary>Reports of every model that has served predictions.</summary>
    public IReadOnlyList<PerformanceReport> Reports()
    {
        lock (_lock)
        {
            _store.Evict(_time.GetUtcNow());
            return [.. _store.Models.Select(_store.Report)];
        }
    }

    /// <summary>Share of correct labelled predictions of a classifier version made in [from, to); null when none is labelled.</summary>
    public double? Accuracy(string model, int version, DateTimeOffset from, DateTimeOffset to)
    {
        lock (_lock)
        {
            return _store.Accuracy(model, version, from, to);
        }
    }

    /// <summary>Takes one finished prediction in now (what the request path and the reader do together; for tests).</summary>
    internal void Ingest(InferenceRecord record)
    {
        if (Read(record) is { } prediction)
        {
            File(prediction);
        }
    }

    /// <summary>The numbers scoring needs from a served prediction; null when it failed, or its version is gone.</summary>
    private ReadPrediction? Read(InferenceRecord record)
    {
        try
        {
            if (record.Error is not null || record.Response is not { Id: { } id } response || (record.Manifest ?? _manifests(record.Model, record.Version)) is not { } manifest)
            {
                return null;
            }

            var layout = _layouts.GetValue(manifest, PredictionLayout.For);

            // A single row (nearly every prediction) is read where it is filed, into the filing thread's reused
            // arrays: the queue holds the answer, which exists anyway, instead of two new arrays of its numbers.
            // Larger answers are read here, at most MaxRowsPerRequest rows of them, so the queue never keeps a large
            // answer alive.
            if (layout.IsSingleRow(response))
            {
                return new ReadPrediction(record.Model, record.Version, id, record.StartedAt, layout, default, 1, response);
            }

            return layout.Read(response, _options.MaxRowsPerRequest) is { } rows
                ? new ReadPrediction(record.Model, record.Version, id, record.StartedAt, layout, rows, ServedRows(response, layout, rows), null)
                : null;
        }
        catch (Exception ex)
        {
            // Nothing may escape: one odd answer must neither fail the request it came from (a direct observer) nor
            // stop the monitoring pipeline's thread for the rest.
            PerformanceLog.IngestFailed(_logger, record.Model, record.Version, ex);
            return null;
        }
    }

    private void File(ReadPrediction prediction)
    {
        lock (_lock)
        {
            // The buffer is only read into under the lock, and the window copies the rows before it is read into again.
            var rows = prediction.Unread is { } answer ? prediction.Layout.Read(answer, 1, _unread) : prediction.Rows;
            if (rows is { } read)
            {
                _store.AddPrediction(prediction.Model, prediction.Version, prediction.Id, prediction.At, prediction.Layout, read, prediction.Served);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
        // An episode's event is handed over before the host goes, unless the host stops waiting.
        try
        {
            await _events.FlushAsync().WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host gave up waiting; the publisher has whatever it finished.
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                var taken = 0;
                while (reader.TryRead(out var prediction))
                {
                    File(prediction);

                    // Counted in steps, not per record: one atomic add per 256 rather than one each.
                    if (++taken == 256)
                    {
                        Interlocked.Add(ref _processed, taken);
                        taken = 0;
                    }
                }

                Interlocked.Add(ref _processed, taken);

                // Labels may have joined rows of the window that just closed before it closed.
                JudgeThresholds();

                if (!await MonitoringPace.RestAsync(stoppingToken))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: what is in memory goes with the process.
        }
    }

    /// <summary>A served prediction as the queue holds it: a struct, so the queue stores it inline.</summary>
    /// <remarks><paramref name="Served"/>: rows the answer had, which the label list must match; <paramref name="Rows"/> may be a sample of them.</remarks>
    // Unread: a single-row answer, read when it is filed (Rows is then empty).
    private readonly record struct ReadPrediction(string Model, int Version, string Id, DateTimeOffset At, PredictionLayout Layout, PredictedRows Rows, int Served, InferenceResponse? Unread);

    // Only a capped read needs the prediction's own row count; otherwise every row was read.
    private int ServedRows(InferenceResponse response, PredictionLayout layout, PredictedRows rows)
    {
        if (rows.Count < _options.MaxRowsPerRequest)
        {
            return rows.Count;
        }

        foreach (var output in response.Outputs)
        {
            if (output.Name == layout.PredictionOutput)
            {
                return output.Shape.Length == 0 ? 1 : (int)output.Shape[0];
            }
        }

        return rows.Count;
    }

    private static Func<string, int, ModelManifest?> ManifestsOf(ModelRegistry registry) => (model, version) =>
        registry.Current.Models.TryGetValue(model, out var entry) && entry.Loaded.TryGetValue(version, out var generation)
            ? generation.Manifest
            : null;
}
