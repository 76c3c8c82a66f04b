using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serving.Core.Inference;

namespace Serving.Core.Monitoring.Logging;

/// <summary>
/// Logs predictions without ever failing one: the request path samples, lays the record out as JSON (about a
/// microsecond, while its data is still in cache; large records are left to the writer) and makes a non-blocking
/// write to a bounded queue (a full queue drops the record and counts it). A background writer drains the queue
/// in batches into the sink and retries a failing sink with back-off, holding its batch.
/// </summary>
public sealed class PredictionLogger : BackgroundService, IInferenceObserver
{
    private const int BatchSize = 512;
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private readonly Channel<LoggedPrediction> _queue;
    private readonly IPredictionSink _sink;
    private readonly PredictionLogOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<PredictionLogger> _logger;
    private long _dropped;
    private long _written;
    private readonly StripedCounter _queued = new();
    private long _sinkFailures;
    private string? _lastSinkError;
    private int _layoutFailed;

    public PredictionLogger(IPredictionSink sink, IOptions<PredictionLogOptions> options, TimeProvider time, ILogger<PredictionLogger> logger)
    {
        _sink = sink;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _queue = Channel.CreateBounded<LoggedPrediction>(
            new BoundedChannelOptions(_options.QueueCapacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true },
            _ => Interlocked.Increment(ref _dropped));
    }

    /// <summary>Records dropped because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Records the sink has accepted.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Records offered to the queue (after sampling), dropped or not.</summary>
    public long Queued => _queued.Value;

    /// <summary>Failed sink writes (each retried).</summary>
    public long SinkFailures => Interlocked.Read(ref _sinkFailures);

    /// <summary>Why the sink's last write failed, while writes keep failing; null once one succeeds.</summary>
    public string? LastSinkError => Volatile.Read(ref _lastSinkError);

    /// <summary>Records waiting in the queue now.</summary>
    public int Depth => _queue.Reader.Count;

    public void OnCompleted(InferenceRecord record)
    {
        if (!_options.Enabled)
        {
            return;
        }

        var rate = _options.SampleRateOf(record.Model);
        if (rate < 1.0 && (rate <= 0 || Random.Shared.NextDouble() >= rate))
        {
            return;
        }

        _queued.Increment();
        LoggedPrediction line;
        try
        {
            line = LoggedPrediction.Of(record);
        }
        catch (Exception ex)
        {
            // A record the writer cannot lay out is a bug, but never the request's failure.
            LayoutFailed(record.Model, ex);
            return;
        }

        _queue.Writer.TryWrite(line);
    }

    /// <summary>
    /// Lays out the records left for this thread (large ones) before the sink sees the batch, so that one that
    /// cannot be laid out is dropped here rather than failing the sink, which would retry it forever.
    /// </summary>
    private void LayOutLargeRecords(List<LoggedPrediction> batch)
    {
        for (var i = batch.Count - 1; i >= 0; i--)
        {
            if (batch[i].IsLaidOut)
            {
                continue;
            }

            try
            {
                batch[i] = batch[i].LaidOut();
            }
            catch (Exception ex)
            {
                LayoutFailed(batch[i].Model, ex);
                batch.RemoveAt(i);
            }
        }
    }

    /// <summary>Counts the record as dropped, and says so once, not once per request.</summary>
    private void LayoutFailed(string model, Exception ex)
    {
        Interlocked.Increment(ref _dropped);
        if (Interlocked.Exchange(ref _layoutFailed, 1) == 0)
        {
            PredictionLogLog.LayoutFailed(_logger, model, ex);
        }
    }

    /// <summary>Waits until everything queued so far has been written or dropped (tests, shutdown).</summary>
    public async Task FlushAsync(TimeSpan timeout)
    {
        var deadline = _time.GetUtcNow() + timeout;
        while (Written + Dropped < Queued && _time.GetUtcNow() < deadline)
        {
            await Task.Delay(10);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
        await _sink.DisposeAsync();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<LoggedPrediction>(BatchSize);
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                while (batch.Count < BatchSize && reader.TryRead(out var record))
                {
                    batch.Add(record);
                }

                var full = batch.Count == BatchSize;
                LayOutLargeRecords(batch);
                await WriteWithRetryAsync(batch, stoppingToken);
                batch.Clear();
                if (!full && !await MonitoringPace.RestAsync(stoppingToken))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: what is queued now is written below, once, without waiting on a broken sink.
        }

        while (reader.TryRead(out var left))
        {
            batch.Add(left);
        }

        LayOutLargeRecords(batch);
        if (batch.Count > 0)
        {
            try
            {
                await _sink.WriteAsync(batch, CancellationToken.None);
                Interlocked.Add(ref _written, batch.Count);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                PredictionLogLog.SinkFailed(_logger, batch.Count, 1, TimeSpan.Zero, ex);
            }
        }
    }

    private async Task WriteWithRetryAsync(List<LoggedPrediction> batch, CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _sink.WriteAsync(batch, stoppingToken);
                Interlocked.Add(ref _written, batch.Count);
                if (attempt > 1)
                {
                    Volatile.Write(ref _lastSinkError, null);
                    PredictionLogLog.SinkRecovered(_logger, attempt);
                }

                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The batch is held, not lost: new records queue behind it (and are dropped, counted, when full).
                Interlocked.Increment(ref _sinkFailures);
                Volatile.Write(ref _lastSinkError, ex.Message);
                PredictionLogLog.SinkFailed(_logger, batch.Count, attempt, delay, ex);
                await Task.Delay(delay, _time, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }
}
