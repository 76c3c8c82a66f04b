using Microsoft.Extensions.Hosting;
using Serving.Core.Inference;

namespace Serving.Core.Monitoring;

/// <summary>
/// One monitoring pipeline for every monitor: the data plane hands a finished request over once, with one lock-free
/// write to the bounded <see cref="MonitoringQueue"/>, and one background consumer feeds it to the prediction log,
/// drift, live performance and rollout statistics (<see cref="IMonitoringConsumer"/>), in order, in batches. Monitoring
/// never slows or fails a prediction: a full queue drops the record (counted by the queue, and by each consumer as its
/// own drop), and a consumer that throws is counted and logged by <see cref="InferenceObserverFailures"/>.
/// </summary>
/// <remarks>
/// The consumer sleeps while the queue is empty; the first write after that wakes it (one flag read per request
/// otherwise). While busy it drains, rests <see cref="MonitoringPace.BetweenDrains"/>, and drains again, so a busy
/// replica pays one thread wake-up per rest, not one per request.
/// </remarks>
public sealed class MonitoringPipeline : BackgroundService, IInferenceObserver
{
    private const int MarkEvery = 64;

    private readonly MonitoringQueue _queue;
    private readonly IMonitoringConsumer[] _consumers;
    private readonly InferenceObserverFailures _failures;
    private readonly SemaphoreSlim _wake = new(0);

    // Held per drain (not per record): the queue has one reader, and stopping drains once more from another thread.
    private readonly Lock _draining = new();
    private int _sleeping;

    public MonitoringPipeline(MonitoringQueue queue, IEnumerable<IMonitoringConsumer> consumers, InferenceObserverFailures? failures = null)
    {
        _queue = queue;
        _consumers = [.. consumers];
        _failures = failures ?? new InferenceObserverFailures();
    }

    /// <summary>The queue the request path writes to.</summary>
    public MonitoringQueue Queue => _queue;

    public void OnCompleted(InferenceRecord record)
    {
        if (_consumers.Length == 0)
        {
            return;
        }

        if (_queue.TryWrite(record))
        {
            if (Volatile.Read(ref _sleeping) != 0 && Interlocked.Exchange(ref _sleeping, 0) != 0)
            {
                _wake.Release();
            }

            return;
        }

        foreach (var consumer in _consumers)
        {
            try
            {
                consumer.Missed(record);
            }
            catch (Exception ex)
            {
                _failures.Record(consumer, nameof(IMonitoringConsumer.Missed), ex);
            }
        }
    }

    /// <summary>Hands every record now queued to the consumers; returns how many. Only the consumer thread (and tests) call it.</summary>
    internal int Drain()
    {
        lock (_draining)
        {
            return DrainQueued();
        }
    }

    private int DrainQueued()
    {
        var taken = 0;
        var unmarked = 0;
        while (_queue.TryRead(out var record))
        {
            foreach (var consumer in _consumers)
            {
                try
                {
                    consumer.Consume(record);
                }
                catch (Exception ex)
                {
                    _failures.Record(consumer, nameof(IMonitoringConsumer.Consume), ex);
                }
            }

            taken++;
            if (++unmarked == MarkEvery)
            {
                _queue.MarkConsumed(unmarked);
                unmarked = 0;
            }
        }

        if (taken > 0)
        {
            foreach (var consumer in _consumers)
            {
                try
                {
                    consumer.Drained();
                }
                catch (Exception ex)
                {
                    _failures.Record(consumer, nameof(IMonitoringConsumer.Drained), ex);
                }
            }
        }

        // Marked after Drained, so whoever waits for a record (feedback) finds it filed.
        _queue.MarkConsumed(unmarked);
        return taken;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Off the host's start-up thread at once: a queue already holding work must not hold up StartAsync.
        await Task.Yield();
        if (_consumers.Length == 0)
        {
            return;
        }

        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                if (Drain() > 0)
                {
                    if (!await MonitoringPace.RestAsync(stoppingToken).ConfigureAwait(false))
                    {
                        break;
                    }

                    continue;
                }

                // Going to sleep: say so first, then look once more, so a write in between is not left waiting.
                Volatile.Write(ref _sleeping, 1);
                if (_queue.Depth > 0)
                {
                    Interlocked.Exchange(ref _sleeping, 0);
                    await Task.Yield();
                    continue;
                }

                await _wake.WaitAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: StopAsync hands over what is queued.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);

        // The consumers stop after the pipeline (they were registered before it): they get what is left, even when
        // the host stops before the loop ever ran.
        Drain();
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }
}
