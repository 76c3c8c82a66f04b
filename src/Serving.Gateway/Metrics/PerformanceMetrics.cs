using System.Globalization;
using Prometheus;
using Serving.Core.Monitoring.Performance;
using Serving.Core.Registry;

namespace Serving.Gateway.Metrics;

/// <summary>
/// Live performance as Prometheus series, set at scrape time from the monitor's report: each version's metrics and label
/// coverage over its reported window, and feedback outcomes. Only models in the registry get series, and a version
/// that leaves the report loses its series, so label values stay bounded.
/// </summary>
internal sealed class PerformanceMetrics
{
    private static readonly string[] Outcomes = ["accepted", "unknown_id", "invalid_label", "joined_late", "expired"];

    private readonly Lock _lock = new();
    private readonly PerformanceMonitor _monitor;
    private readonly ModelRegistry _registry;
    private readonly Gauge _performance;
    private readonly Gauge _coverage;
    private readonly Gauge _labels;
    private readonly Counter _feedback;
    private readonly Counter _dropped;
    private readonly Gauge _held;
    private readonly Counter _evicted;
    private readonly Gauge _pendingBytes;
    private HashSet<(string Model, string Version, string Metric)> _shown = [];

    public PerformanceMetrics(PerformanceMonitor monitor, ModelRegistry registry, GatewayMetricsRegistry metrics)
    {
        _monitor = monitor;
        _registry = registry;
        var factory = Prometheus.Metrics.WithCustomRegistry(metrics.Registry);
        _performance = factory.CreateGauge(
            "serving_model_performance",
            "Live performance of each model version over its latest closed window with labels (accuracy, precision, recall, f1, roc_auc, log_loss; mae, rmse, r2).",
            ["model", "version", "metric"]);
        _coverage = factory.CreateGauge(
            "serving_model_label_coverage_ratio",
            "Share of the predictions in the reported window that got a ground-truth label, by model and version.",
            ["model", "version"]);
        _labels = factory.CreateGauge(
            "serving_model_performance_labels",
            "Labelled predictions in the reported window, by model and version.",
            ["model", "version"]);
        _feedback = factory.CreateCounter(
            "serving_feedback_labels_total",
            "Ground-truth labels by outcome: accepted, unknown_id, invalid_label, joined_late (held, then joined), expired (held, never joined).",
            ["outcome"]);
        _dropped = factory.CreateCounter(
            "serving_performance_dropped_total",
            "Predictions the performance monitor dropped because its queue was full.");
        _held = factory.CreateGauge(
            "serving_performance_held_predictions",
            "Predictions held waiting for their labels.");
        _evicted = factory.CreateCounter(
            "serving_feedback_evicted_total",
            "Held labels (sent before their prediction) forgotten early because the hold was full, by count or by bytes; also counted as expired.");
        _pendingBytes = factory.CreateGauge(
            "serving_feedback_pending_bytes",
            "Estimated bytes of the labels held for predictions not seen yet (bounded by Serving:Monitoring:Performance:MaxPendingBytes).");
        foreach (var outcome in Outcomes)
        {
            _feedback.WithLabels(outcome);
        }

        metrics.Registry.AddBeforeCollectCallback(Update);
    }

    private void Update()
    {
        lock (_lock)
        {
            var counts = _monitor.Counts;
            _feedback.WithLabels("accepted").IncTo(counts.Accepted);
            _feedback.WithLabels("unknown_id").IncTo(counts.UnknownIds);
            _feedback.WithLabels("invalid_label").IncTo(counts.InvalidLabels);
            _feedback.WithLabels("joined_late").IncTo(counts.JoinedLate);
            _feedback.WithLabels("expired").IncTo(counts.Expired);
            _evicted.IncTo(counts.Evicted);
            _pendingBytes.Set(_monitor.PendingBytes);
            _dropped.IncTo(_monitor.Dropped);
            _held.Set(_monitor.HeldPredictions);

            var models = _registry.Current.Models;
            var shown = new HashSet<(string, string, string)>();
            foreach (var report in _monitor.Reports().Where(r => models.ContainsKey(r.Model)))
            {
                var known = models[report.Model].Versions;
                foreach (var version in report.Versions)
                {
                    // A version whose folder is gone keeps no series.
                    if (version.Window is not { } window || !known.Any(k => k.Version == version.Version))
                    {
                        continue;
                    }

                    var v = version.Version.ToString(CultureInfo.InvariantCulture);
                    _coverage.WithLabels(report.Model, v).Set(window.LabelCoverage);
                    _labels.WithLabels(report.Model, v).Set(window.Labels);
                    shown.Add((report.Model, v, string.Empty));
                    foreach (var metric in window.Metrics)
                    {
                        var name = SnakeCase(metric.Name);
                        if (metric.Value is { } value && double.IsFinite(value))
                        {
                            _performance.WithLabels(report.Model, v, name).Set(value);
                            shown.Add((report.Model, v, name));
                        }
                    }
                }
            }

            foreach (var (model, version, metric) in _shown.Where(s => !shown.Contains(s)))
            {
                if (metric.Length == 0)
                {
                    _coverage.RemoveLabelled(model, version);
                    _labels.RemoveLabelled(model, version);
                }
                else
                {
                    _performance.RemoveLabelled(model, version, metric);
                }
            }

            _shown = shown;
        }
    }

    private static string SnakeCase(string name) => string.Concat(name.Select(c => char.IsUpper(c) ? "_" + char.ToLowerInvariant(c) : c.ToString()));
}
