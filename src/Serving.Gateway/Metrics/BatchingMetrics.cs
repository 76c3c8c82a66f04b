using System.Collections.Concurrent;
using Prometheus;
using Serving.Core.Runtimes.Batching;

namespace Serving.Gateway.Metrics;

/// <summary>
/// Dynamic batching by model: rows per batched runtime call, time requests waited in the queue, and merged calls
/// that were rerun one request at a time. Only models with batching on report, so model labels stay bounded.
/// </summary>
internal sealed class BatchingMetrics : IBatchObserver
{
    private static readonly double[] RowBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

    private static readonly double[] QueueBuckets =
        [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

    private readonly Histogram _rows;
    private readonly Histogram _queued;
    private readonly Counter _retried;

    // Children are looked up once per model: Prometheus' own lookup allocates, this one does not.
    private readonly ConcurrentDictionary<string, Histogram.Child> _rowChildren = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Histogram.Child> _queuedChildren = new(StringComparer.Ordinal);

    public BatchingMetrics(GatewayMetricsRegistry metrics)
    {
        var factory = Prometheus.Metrics.WithCustomRegistry(metrics.Registry);
        _rows = factory.CreateHistogram(
            "serving_batch_rows",
            "Rows in each batched runtime call (the batch size), by model; only models with batching on.",
            new HistogramConfiguration { LabelNames = ["model"], Buckets = RowBuckets });
        _queued = factory.CreateHistogram(
            "serving_batch_queue_duration_seconds",
            "Time each request waited in its model's batching queue before its runtime call started, by model.",
            new HistogramConfiguration { LabelNames = ["model"], Buckets = QueueBuckets });
        _retried = factory.CreateCounter(
            "serving_batch_retried_alone_total",
            "Requests whose merged runtime call failed (or gave outputs that could not be split) and were rerun alone, by model.",
            ["model"]);
    }

    public void OnDequeued(string model, TimeSpan waited) =>
        _queuedChildren.GetOrAdd(model, static (m, h) => h.WithLabels(m), _queued).Observe(waited.TotalSeconds);

    public void OnBatch(string model, int requests, int rows) =>
        _rowChildren.GetOrAdd(model, static (m, h) => h.WithLabels(m), _rows).Observe(rows);

    public void OnRetriedAlone(string model, int requests) =>
        _retried.WithLabels(model).Inc(requests);
}
