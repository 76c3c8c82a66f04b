using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serving.Core.Contracts;
using Serving.Core.Inference;

namespace Serving.Core.Monitoring.Logging;

/// <summary>
/// Logs predictions without ever failing one: the request path samples, lays the record out as JSON (about a
/// microsecond, while its data is still in cache; large records are left to the writer) and makes a non-blocking
/// write to a bounded queue (a full queue drops the record and counts it). A background writer drains the queue
/// in batches into the sink and retries a failing sink with back-off, holding its batch. A record that can never be
/// written (its path too long, its name invalid) is dropped and counted instead, so it cannot hold the rest up.
/// Only requests a served model version answered are logged: a request refused before routing (an unknown model or
/// version) carries whatever name the caller typed, and logging it per name would let callers mint files.
/// In the gateway the <see cref="MonitoringPipeline"/> feeds it, so sampling and layout run on the pipeline's thread,
/// off the request path, and a local file is written from that thread at the end of each drain; its own queue then
/// holds only what waits for a network sink, or for a failing sink to recover.
/// </summary>
public sealed class PredictionLogger : BackgroundService, IMonitoringConsumer
{
    private const int BatchSize = 512;
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private readonly Channel<LoggedPrediction> _queue;
    private readonly IPredictionSink _sink;
    private readonly PredictionLogOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<PredictionLogger> _logger;
    private readonly MonitoringQueue? _intake;
    private readonly LogLinePages _pages = new();

    // Lines laid out during the pipeline's current drain (its thread only), and whose turn it is at the sink: the
    // writer's, or the pipeline's at the end of a drain (a sink is written by one thread at a time).
    private readonly List<LoggedPrediction> _drained = [];
    private readonly SemaphoreSlim _sinkTurn = new(1, 1);
    private long _dropped;
    private long _written;
    private readonly StripedCounter _queued = new();
    private long _sinkFailures;
    private string? _lastSinkError;
    private int _layoutFailed;
    private readonly long[] _unwritable = new long[PredictionWriteFailure.Reasons.Count];
    private readonly int[] _unwritableLogged = new int[PredictionWriteFailure.Reasons.Count];

    public PredictionLogger(IPredictionSink sink, IOptions<PredictionLogOptions> options, TimeProvider time, ILogger<PredictionLogger> logger, MonitoringQueue? intake = null)
    {
        _intake = intake;
        _sink = sink;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _queue = Channel.CreateBounded<LoggedPrediction>(
            new BoundedChannelOptions(_options.QueueCapacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true },
            dropped =>
            {
                Interlocked.Increment(ref _dropped);
                dropped.Release();
            });
    }

    /// <summary>Records dropped for any reason: the queue was full, or the record could never be written.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Records the sink has accepted.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Records offered to the queue (after sampling), dropped or not.</summary>
    public long Queued => _queued.Value;

    /// <summary>Records dropped because they can never be written, by reason (<see cref="PredictionWriteFailure.Reasons"/>).</summary>
    public IReadOnlyDictionary<string, long> Unwritable =>
        PredictionWriteFailure.Reasons.Select((reason, i) => (reason, i)).ToDictionary(r => r.reason, r => Interlocked.Read(ref _unwritable[r.i]), StringComparer.Ordinal);

    /// <summary>Failed sink writes (each retried).</summary>
    public long SinkFailures => Interlocked.Read(ref _sinkFailures);

    /// <summary>Why the sink's last write failed, while writes keep failing; null once one succeeds.</summary>
    public string? LastSinkError => Volatile.Read(ref _lastSinkError);

    /// <summary>Records waiting in the queue now.</summary>
    public int Depth => _queue.Reader.Count;

    public void Consume(InferenceRecord record)
    {
        try
        {
            Log(record);
        }
        finally
        {
            // Laid out, or left for the writer (which then writes the numbers itself), or not logged at all.
            LetGoOfSentText(record);
        }
    }

    /// <summary>The log is the one reader of the inputs' kept JSON text: it lets go of it once it has read it.</summary>
    private static void LetGoOfSentText(InferenceRecord record)
    {
        var inputs = record.Request.Inputs;
        for (var i = 0; i < inputs?.Count; i++)
        {
            inputs[i].LetGoOfJsonText();
        }
    }

    private void Log(InferenceRecord record)
    {
        if (!Takes(record))
        {
            return;
        }

        _queued.Increment();
        LoggedPrediction line;
        try
        {
            line = LoggedPrediction.Of(record, _pages);
        }
        catch (Exception ex)
        {
            // A record the writer cannot lay out is a bug, but never the request's failure.
            LayoutFailed(record.Model, ex);
            return;
        }

        // Before the line can reach another thread: a record left for the writer must not find the text there,
        // in a page that may already be someone else's.
        LetGoOfSentText(record);
        if (_intake is not null && _sink.WritesInline)
        {
            _drained.Add(line);
            return;
        }

        _queue.Writer.TryWrite(line);
    }

    /// <summary>
    /// The end of a pipeline drain: the lines laid out during it go to a local sink from this thread, in one write,
    /// rather than through the queue to the writer (a thread wake-up per drain, and a lock per line). While the
    /// writer holds records (they are older, or the sink is failing and it is backing off) the lines queue behind
    /// them instead, so the file keeps the order; so do a drain's lines when one of them is a large record still to be
    /// laid out; what this write leaves for a reason that may pass goes there too.
    /// </summary>
    void IMonitoringConsumer.Drained()
    {
        if (_drained.Count == 0)
        {
            return;
        }

        try
        {
            if (!TryWriteDrained())
            {
                Enqueue(_drained);
            }
        }
        finally
        {
            _drained.Clear();
        }
    }

    private bool TryWriteDrained()
    {
        if (!_sinkTurn.Wait(0))
        {
            return false;
        }

        try
        {
            // Older lines wait in the queue; or a large record is still to be laid out, which takes milliseconds
            // that the other monitors should not wait for: the writer takes these lines.
            if (_queue.Reader.Count > 0 || !_drained.TrueForAll(static line => line.IsLaidOut))
            {
                return false;
            }

            // A local file: the write completes on this thread (GetResult does not wait on another).
            var (left, error) = WriteWhatCanBeWrittenAsync(_drained, CancellationToken.None).GetAwaiter().GetResult();
            if (error is not null)
            {
                Interlocked.Increment(ref _sinkFailures);
                Volatile.Write(ref _lastSinkError, error.Message);
                PredictionLogLog.SinkFailed(_logger, left.Count, 1, TimeSpan.Zero, error);
                Enqueue(left);
            }

            return true;
        }
        finally
        {
            _sinkTurn.Release();
        }
    }

    private void Enqueue(List<LoggedPrediction> lines)
    {
        foreach (var line in lines)
        {
            _queue.Writer.TryWrite(line);
        }
    }

    void IMonitoringConsumer.Missed(InferenceRecord record)
    {
        LetGoOfSentText(record);

        // The pipeline was full: counted as a drop of this queue would be, so Queued = Written + Dropped still holds.
        if (Takes(record))
        {
            _queued.Increment();
            Interlocked.Increment(ref _dropped);
        }
    }

    /// <summary>Whether the record is logged at all: a served version's, and sampled in.</summary>
    private bool Takes(InferenceRecord record)
    {
        // Version 0: no version was chosen, so the request was refused before routing and its model name is the
        // caller's text, not a served model's. Logging it would open a file per name a caller can make up.
        if (!_options.Enabled || record.Version <= 0)
        {
            return false;
        }

        var rate = _options.SampleRateOf(record.Model);
        return rate >= 1.0 || (rate > 0 && Random.Shared.NextDouble() < rate);
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
        Interlocked.Increment(ref _unwritable[ReasonIndex(PredictionWriteFailure.Serialization)]);
        if (Interlocked.Exchange(ref _layoutFailed, 1) == 0)
        {
            PredictionLogLog.LayoutFailed(_logger, CallerText.Cut(model), ex);
        }
    }

    /// <summary>Drops a record the sink can never write, counts it by reason, and says so once per reason.</summary>
    private void DropUnwritable(LoggedPrediction record, string reason, Exception ex)
    {
        var index = ReasonIndex(reason);
        record.Release();
        Interlocked.Increment(ref _dropped);
        Interlocked.Increment(ref _unwritable[index]);
        if (Interlocked.Exchange(ref _unwritableLogged[index], 1) == 0)
        {
            PredictionLogLog.RecordUnwritable(_logger, CallerText.Cut(record.Model), reason, ex);
        }
    }

    private static int ReasonIndex(string reason)
    {
        for (var i = 0; i < PredictionWriteFailure.Reasons.Count; i++)
        {
            if (PredictionWriteFailure.Reasons[i] == reason)
            {
                return i;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(reason), reason, "not a reason of PredictionWriteFailure");
    }

    /// <summary>Waits until everything queued so far has been written or dropped (tests, shutdown).</summary>
    public async Task FlushAsync(TimeSpan timeout)
    {
        if (_intake is not null)
        {
            await _intake.CatchUpAsync(timeout);
        }

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
                // The turn is taken before the records, so the pipeline cannot write newer lines in between.
                await _sinkTurn.WaitAsync(stoppingToken);
                bool full;
                try
                {
                    while (batch.Count < BatchSize && reader.TryRead(out var record))
                    {
                        batch.Add(record);
                    }

                    full = batch.Count == BatchSize;
                    LayOutLargeRecords(batch);
                    await WriteWithRetryAsync(batch, stoppingToken);
                    batch.Clear();
                }
                finally
                {
                    _sinkTurn.Release();
                }

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
            // One try: records that can never be written are dropped as ever, the rest are lost if the sink is down.
            var (left, error) = await WriteWhatCanBeWrittenAsync(batch, CancellationToken.None);
            if (error is not null)
            {
                PredictionLogLog.SinkFailed(_logger, left.Count, 1, TimeSpan.Zero, error);
            }
        }
    }

    /// <summary>
    /// Writes the batch, retrying with back-off while the sink fails for a reason that may pass. Only what is still
    /// unwritten is retried: records written, and records dropped as never writable, leave <paramref name="batch"/>
    /// (which is what shutdown finds there if it comes during a wait).
    /// </summary>
    private async Task WriteWithRetryAsync(List<LoggedPrediction> batch, CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        for (var attempt = 1; ; attempt++)
        {
            var (left, error) = await WriteWhatCanBeWrittenAsync(batch, stoppingToken);
            if (!ReferenceEquals(left, batch))
            {
                batch.Clear();
                batch.AddRange(left);
            }

            if (stoppingToken.IsCancellationRequested)
            {
                // Stopping: shutdown writes what is left once, and nothing already written again.
                throw new OperationCanceledException(stoppingToken);
            }

            if (error is null)
            {
                if (attempt > 1)
                {
                    Volatile.Write(ref _lastSinkError, null);
                    PredictionLogLog.SinkRecovered(_logger, attempt);
                }

                return;
            }

            // The rest is held, not lost: new records queue behind it (and are dropped, counted, when full).
            Interlocked.Increment(ref _sinkFailures);
            Volatile.Write(ref _lastSinkError, error.Message);
            PredictionLogLog.SinkFailed(_logger, batch.Count, attempt, delay, error);
            await Task.Delay(delay, _time, stoppingToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxBackoff.Ticks));
        }
    }

    /// <summary>
    /// Writes the batch model by model (nearly always one model, so one call), so that a model whose records fail
    /// neither stops the others nor has them written twice when it is retried. A model's part that fails for a
    /// reason permanent for some record is written record by record, so that the records that can never be written
    /// are found, dropped and counted, and the rest written. Returns what is left unwritten for a reason that may
    /// pass (in order within each model) with that reason; nothing and null once done.
    /// </summary>
    private async Task<(List<LoggedPrediction> Left, Exception? Error)> WriteWhatCanBeWrittenAsync(List<LoggedPrediction> batch, CancellationToken cancellationToken)
    {
        var left = new List<LoggedPrediction>();
        Exception? transient = null;
        foreach (var records in ByModel(batch))
        {
            if (cancellationToken.IsCancellationRequested)
            {
                // Stopping: the rest is not tried now, and stays for the one write at shutdown.
                left.AddRange(records);
                continue;
            }

            var error = await TryWriteAsync(records, cancellationToken);
            if (error is null)
            {
                continue;
            }

            if (PredictionWriteFailure.PermanentReason(error) is null)
            {
                left.AddRange(records);
                transient = error;
                continue;
            }

            foreach (var record in records)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    left.Add(record);
                    continue;
                }

                var recordError = records.Count == 1 ? error : await TryWriteAsync([record], cancellationToken);
                if (recordError is null)
                {
                    continue;
                }

                if (PredictionWriteFailure.PermanentReason(recordError) is { } reason)
                {
                    DropUnwritable(record, reason, recordError);
                }
                else
                {
                    left.Add(record);
                    transient = recordError;
                }
            }
        }

        return (left, transient);
    }

    /// <summary>The batch's records by model, each in order; the batch itself when it holds one model (the usual case).</summary>
    private static IEnumerable<List<LoggedPrediction>> ByModel(List<LoggedPrediction> batch)
    {
        if (batch.Count == 0)
        {
            return [];
        }

        var model = batch[0].Model;
        return batch.TrueForAll(r => r.Model == model)
            ? [batch]
            : batch.GroupBy(r => r.Model, StringComparer.Ordinal).Select(g => g.ToList());
    }

    /// <summary>
    /// One sink write: null when it took the records (counted as written), else what it threw (a cancellation
    /// included, which is no reason to drop them).
    /// </summary>
    private async Task<Exception?> TryWriteAsync(List<LoggedPrediction> records, CancellationToken cancellationToken)
    {
        try
        {
            await _sink.WriteAsync(records, cancellationToken);

            // The sink has copied what it keeps: the lines' pages can be reused.
            foreach (var record in records)
            {
                record.Release();
            }

            Interlocked.Add(ref _written, records.Count);
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }
}
