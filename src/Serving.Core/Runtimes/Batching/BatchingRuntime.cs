using Serving.Core.Contracts;

namespace Serving.Core.Runtimes.Batching;

/// <summary>
/// The batching decorator: concurrent calls wait in a queue and run merged along the batch dimension in one call
/// of the wrapped runtime, whose outputs are split back to each caller. A batch starts when
/// <see cref="BatchingOptions.MaxBatchSize"/> rows wait, when a preferred size can be made, or when the oldest call
/// has waited <see cref="BatchingOptions.MaxQueueDelayMicroseconds"/>. Everything above the runtime (ids, versions,
/// validation, the log record) stays per request; a merged call that fails is rerun one request at a time, so an
/// error reaches only the caller it belongs to. Disposing runs what is still queued, then disposes the wrapped runtime.
/// </summary>
public sealed class BatchingRuntime : IModelRuntime
{
    private readonly IModelRuntime _inner;
    private readonly string _model;
    private readonly IBatchObserver _observer;
    private readonly TimeProvider _time;
    private readonly int _maxRows;
    private readonly long _delayTicks;
    private readonly int[] _preferredDescending;
    private readonly int _maxConcurrent;

    private readonly Lock _lock = new();
    private readonly List<PendingRun> _queue = [];
    private readonly Action<PendingRun> _onCancel;
    private int _queuedRows;
    private int _inFlight;
    private bool _disposed;

    // Set while the scheduling loop sleeps; completing it wakes the loop to look at the queue again.
    private TaskCompletionSource? _wake;

    public BatchingRuntime(IModelRuntime inner, string model, BatchingOptions options, IBatchObserver? observer = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(options);
        _inner = inner;
        _model = model;
        _observer = observer ?? NoBatchObserver.Instance;
        _time = time ?? TimeProvider.System;
        _maxRows = options.MaxBatchSize;
        _delayTicks = (long)(options.MaxQueueDelayMicroseconds * (_time.TimestampFrequency / 1_000_000.0));
        _preferredDescending = [.. options.PreferredBatchSizes.Where(s => s > 0 && s <= _maxRows).Distinct().OrderDescending()];
        _maxConcurrent = Math.Max(1, options.MaxConcurrentBatches);
        _onCancel = Withdraw;
        Completion = Task.Run(ScheduleAsync);
    }

    /// <inheritdoc />
    public IReadOnlyList<TensorSpec> Inputs => _inner.Inputs;

    /// <inheritdoc />
    public IReadOnlyList<TensorSpec> Outputs => _inner.Outputs;

    /// <summary>The wrapped runtime.</summary>
    public IModelRuntime Inner => _inner;

    /// <summary>Finishes once disposed, the queue drained and the wrapped runtime disposed.</summary>
    public Task Completion { get; }

    /// <summary>Whether batches can be tried for a runtime: every input and output has a variable leading (batch) dimension.</summary>
    public static bool CanBatch(IModelRuntime runtime) =>
        runtime.Inputs.Count > 0 && runtime.Inputs.All(s => s.Shape.Count > 0 && s.Shape[0] == -1)
        && runtime.Outputs.All(s => s.Shape.Count > 0 && s.Shape[0] == -1);

    /// <inheritdoc />
    public ValueTask<Tensor[]> RunAsync(IReadOnlyList<Tensor> inputs, IReadOnlyList<string> outputNames, CancellationToken cancellationToken)
    {
        var rows = BatchTensors.RowsOf(inputs);
        if (rows == 0 || rows > _maxRows)
        {
            // Nothing to merge along (no shared leading dimension) or a batch on its own: straight through.
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
            return _inner.RunAsync(inputs, outputNames, cancellationToken);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var pending = new PendingRun(inputs, outputNames, rows, _time.GetTimestamp());
        pending.WatchCancellation(cancellationToken, _onCancel);
        TaskCompletionSource? wake = null;
        lock (_lock)
        {
            if (_disposed)
            {
                pending.StopWatching();
                throw new ObjectDisposedException(nameof(BatchingRuntime), "The model runtime has been disposed.");
            }

            if (!pending.IsDone)
            {
                pending.IsQueued = true;
                _queue.Add(pending);
                _queuedRows += rows;

                // Wake the loop only when its decision changes: the first arrival starts the delay, and a full
                // (or preferred) batch need not wait it out. Other arrivals just join.
                if (_inFlight < _maxConcurrent && (_queue.Count == 1 || SizeReached() > 0))
                {
                    wake = TakeWake();
                }
            }
        }

        wake?.TrySetResult();
        return new ValueTask<Tensor[]>(pending.Answer);
    }

    /// <summary>Stops taking calls; what is queued still runs, then the wrapped runtime is disposed.</summary>
    public void Dispose()
    {
        TaskCompletionSource? wake;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            wake = TakeWake();
        }

        wake?.TrySetResult();
    }

    private void Withdraw(PendingRun pending)
    {
        lock (_lock)
        {
            if (pending.IsQueued)
            {
                pending.IsQueued = false;
                _queue.Remove(pending);
                _queuedRows -= pending.Rows;
            }
        }
    }

    private TaskCompletionSource? TakeWake()
    {
        var wake = _wake;
        _wake = null;
        return wake;
    }

    /// <summary>Rows a batch may take now on size alone (full, or a preferred size waiting); 0 when none is due.</summary>
    private int SizeReached()
    {
        if (_queuedRows >= _maxRows)
        {
            return _maxRows;
        }

        foreach (var preferred in _preferredDescending)
        {
            if (preferred <= _queuedRows)
            {
                return preferred;
            }
        }

        return 0;
    }

    private async Task ScheduleAsync()
    {
        while (true)
        {
            List<PendingRun>? batch = null;
            var rows = 0;
            Task? wake = null;
            var sleep = TimeSpan.Zero;
            lock (_lock)
            {
                if (_queue.Count > 0 && _inFlight < _maxConcurrent)
                {
                    var now = _time.GetTimestamp();
                    var cap = _disposed ? _maxRows : SizeReached();
                    var due = _queue[0].EnqueuedAt + _delayTicks;
                    if (cap == 0 && now >= due)
                    {
                        cap = _maxRows;
                    }

                    if (cap > 0)
                    {
                        (batch, rows) = Take(cap);
                        _inFlight++;
                    }
                    else
                    {
                        sleep = _time.GetElapsedTime(now, due);
                    }
                }
                else if (_queue.Count == 0 && _disposed && _inFlight == 0)
                {
                    break;
                }

                if (batch is null)
                {
                    _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    wake = _wake.Task;
                }
            }

            if (batch is not null)
            {
                // One batch at a time runs on this loop's own thread (one hand-off less per batch); more at once
                // each get a thread, since the wrapped runtime usually runs on the calling one.
                if (_maxConcurrent == 1)
                {
                    await RunBatchAsync(batch, rows);
                }
                else
                {
                    _ = Task.Run(() => RunBatchAsync(batch, rows));
                }

                continue;
            }

            if (sleep <= TimeSpan.Zero)
            {
                await wake!;
                continue;
            }

            // Timers count whole milliseconds (a shorter one fires at once, and the loop would spin): round up.
            using var timer = new CancellationTokenSource();
            var delay = Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(sleep.TotalMilliseconds)), _time, timer.Token);
            if (await Task.WhenAny(wake!, delay) != delay)
            {
                await timer.CancelAsync();
            }
        }

        _inner.Dispose();
    }

    /// <summary>Takes the oldest call and those after it that can share its call, up to <paramref name="cap"/> rows, keeping order.</summary>
    private (List<PendingRun> Batch, int Rows) Take(int cap)
    {
        var head = _queue[0];
        var batch = new List<PendingRun> { head };
        var rows = head.Rows;
        var kept = 0;
        for (var i = 1; i < _queue.Count; i++)
        {
            var pending = _queue[i];
            if (rows + pending.Rows <= cap && BatchTensors.CanMerge(head, pending))
            {
                batch.Add(pending);
                rows += pending.Rows;
            }
            else
            {
                _queue[kept++] = pending;
            }
        }

        _queue.RemoveRange(kept, _queue.Count - kept);
        foreach (var pending in batch)
        {
            pending.IsQueued = false;
        }

        _queuedRows -= rows;
        return (batch, rows);
    }

    private async Task RunBatchAsync(List<PendingRun> batch, int rows)
    {
        try
        {
            var now = _time.GetTimestamp();
            foreach (var pending in batch)
            {
                _observer.OnDequeued(_model, _time.GetElapsedTime(pending.EnqueuedAt, now));
            }

            // Counted before any caller is answered, so whoever got an answer finds its batch in the metrics.
            _observer.OnBatch(_model, batch.Count, rows);
            if (batch.Count == 1)
            {
                await RunAloneAsync(batch[0]);
            }
            else if (!await TryRunMergedAsync(batch, rows))
            {
                _observer.OnRetriedAlone(_model, batch.Count);
                foreach (var pending in batch)
                {
                    await RunAloneAsync(pending);
                }
            }
        }
        catch (Exception ex)
        {
            // Never leave a caller waiting: whatever went wrong here (an observer that threw) answers the rest.
            foreach (var pending in batch)
            {
                if (!pending.IsDone)
                {
                    pending.Fail(ex);
                }
            }
        }
        finally
        {
            TaskCompletionSource? wake;
            lock (_lock)
            {
                _inFlight--;
                wake = TakeWake();
            }

            wake?.TrySetResult();
        }
    }

    private async ValueTask<bool> TryRunMergedAsync(List<PendingRun> batch, int rows)
    {
        Tensor[] outputs;
        try
        {
            // One caller giving up must not stop the others' call: the merged call is never cancelled.
            outputs = await _inner.RunAsync(BatchTensors.Merge(batch, rows), batch[0].OutputNames, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Which request the error belongs to is known only by running each alone.
            return false;
        }

        if (!BatchTensors.TrySplit(outputs, batch, rows, out var parts))
        {
            return false;
        }

        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Succeed(parts[i]);
        }

        return true;
    }

    private async ValueTask RunAloneAsync(PendingRun pending)
    {
        if (pending.IsDone)
        {
            return;
        }

        try
        {
            pending.Succeed(await _inner.RunAsync(pending.Inputs, pending.OutputNames, CancellationToken.None));
        }
        catch (Exception ex)
        {
            pending.Fail(ex);
        }
    }
}
