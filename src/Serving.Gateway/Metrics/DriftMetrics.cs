using System.Globalization;
using Prometheus;
using Serving.Core.Monitoring.Drift;

namespace Serving.Gateway.Metrics;

/// <summary>
/// Drift as Prometheus series, updated when a window closes (never on the request path): per model, version and
/// feature the statistic, p-value, verdict and PSI; per version the dataset verdict, drifted share and the
/// prediction's drift; plus the drift queue's depth and drops. Feature names come from manifests, so labels stay
/// bounded, and a version's series go when it unloads.
/// </summary>
internal sealed class DriftMetrics : IDisposable
{
    private readonly Lock _lock = new();
    private readonly DriftMonitor _monitor;
    private readonly Dictionary<(string Model, string Version), List<(string Feature, string Method, bool HasP, bool HasPsi)>> _shown = [];
    private readonly Dictionary<(string Model, string Version), (string Method, bool HasP)> _predictionShown = [];
    private readonly Gauge _statistic;
    private readonly Gauge _pValue;
    private readonly Gauge _drifted;
    private readonly Gauge _psi;
    private readonly Gauge _datasetDrifted;
    private readonly Gauge _driftedShare;
    private readonly Gauge _windowRows;
    private readonly Counter _windows;
    private readonly Gauge _predictionStatistic;
    private readonly Gauge _predictionPValue;
    private readonly Gauge _predictionDrifted;

    public DriftMetrics(DriftMonitor monitor, GatewayMetricsRegistry metrics)
    {
        _monitor = monitor;
        var registry = metrics.Registry;
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        string[] featureLabels = ["model", "version", "feature", "method"];
        string[] versionLabels = ["model", "version"];
        _statistic = factory.CreateGauge("serving_drift_feature_statistic", "Drift statistic of each feature in the last closed window (KS D, normalized Wasserstein, chi-square, Jensen-Shannon or z, by method).", featureLabels);
        _pValue = factory.CreateGauge("serving_drift_feature_p_value", "p-value of each feature's drift test in the last closed window (tests with a p-value only).", featureLabels);
        _drifted = factory.CreateGauge("serving_drift_feature_drifted", "1 when the feature drifted in the last closed window, else 0.", featureLabels);
        _psi = factory.CreateGauge("serving_drift_feature_psi", "Population stability index of each numeric feature in the last closed window.", ["model", "version", "feature"]);
        _datasetDrifted = factory.CreateGauge("serving_drift_dataset_drifted", "1 when the share of drifted features reached the dataset threshold in the last closed window.", versionLabels);
        _driftedShare = factory.CreateGauge("serving_drift_drifted_features_ratio", "Share of features that drifted in the last closed window.", versionLabels);
        _windowRows = factory.CreateGauge("serving_drift_window_rows", "Rows in the last closed drift window.", versionLabels);
        _windows = factory.CreateCounter("serving_drift_windows_total", "Drift windows closed.", versionLabels);
        _predictionStatistic = factory.CreateGauge("serving_drift_prediction_statistic", "Drift statistic of the model's predictions in the last closed window.", ["model", "version", "method"]);
        _predictionPValue = factory.CreateGauge("serving_drift_prediction_p_value", "p-value of the prediction drift test in the last closed window.", ["model", "version", "method"]);
        _predictionDrifted = factory.CreateGauge("serving_drift_prediction_drifted", "1 when the model's predictions drifted in the last closed window.", ["model", "version", "method"]);
        var depth = factory.CreateGauge("serving_drift_queue_depth", "Finished requests waiting for the drift worker.");
        var queuedRows = factory.CreateGauge("serving_drift_queue_rows", "Rows waiting for the drift worker (bounded by Serving:Monitoring:Drift:MaxQueuedRows).");
        var dropped = factory.CreateCounter("serving_drift_dropped_total", "Finished requests the drift worker never saw because its queue was full (of requests or of rows).");
        var leftOut = factory.CreateCounter("serving_drift_unsampled_rows_total", "Rows of large requests left out of drift: each request hands it at most Serving:Monitoring:Drift:MaxRowsPerRequest rows.");
        registry.AddBeforeCollectCallback(() =>
        {
            depth.Set(monitor.Depth);
            queuedRows.Set(monitor.QueuedRows);
            dropped.IncTo(monitor.Dropped);
            leftOut.IncTo(monitor.RowsLeftOut);
        });

        monitor.Tracker.WindowClosed += OnWindowClosed;
        monitor.VersionForgotten += OnVersionForgotten;
    }

    public void Dispose()
    {
        _monitor.Tracker.WindowClosed -= OnWindowClosed;
        _monitor.VersionForgotten -= OnVersionForgotten;
    }

    private void OnWindowClosed(string model, VersionDriftReport report)
    {
        var version = report.Version.ToString(CultureInfo.InvariantCulture);
        lock (_lock)
        {
            Remove(model, version, windowsToo: false);
            var shown = new List<(string, string, bool, bool)>();
            foreach (var feature in report.Features)
            {
                _statistic.WithLabels(model, version, feature.Name, feature.Method).Set(Finite(feature.Statistic));
                _drifted.WithLabels(model, version, feature.Name, feature.Method).Set(feature.Drifted ? 1 : 0);
                if (feature.PValue is { } p)
                {
                    _pValue.WithLabels(model, version, feature.Name, feature.Method).Set(p);
                }

                if (feature.Psi is { } psi)
                {
                    _psi.WithLabels(model, version, feature.Name).Set(psi);
                }

                shown.Add((feature.Name, feature.Method, feature.PValue is not null, feature.Psi is not null));
            }

            _shown[(model, version)] = shown;
            _datasetDrifted.WithLabels(model, version).Set(report.DatasetDrift ? 1 : 0);
            _driftedShare.WithLabels(model, version).Set(report.DriftedShare);
            _windowRows.WithLabels(model, version).Set(report.Window?.Rows ?? 0);
            _windows.WithLabels(model, version).Inc();
            if (report.Prediction is { } prediction)
            {
                _predictionStatistic.WithLabels(model, version, prediction.Method).Set(Finite(prediction.Statistic));
                _predictionDrifted.WithLabels(model, version, prediction.Method).Set(prediction.Drifted ? 1 : 0);
                if (prediction.PValue is { } p)
                {
                    _predictionPValue.WithLabels(model, version, prediction.Method).Set(p);
                }

                _predictionShown[(model, version)] = (prediction.Method, prediction.PValue is not null);
            }
        }
    }

    private void OnVersionForgotten(string model, int version)
    {
        lock (_lock)
        {
            Remove(model, version.ToString(CultureInfo.InvariantCulture), windowsToo: true);
        }
    }

    private void Remove(string model, string version, bool windowsToo)
    {
        if (_shown.Remove((model, version), out var features))
        {
            foreach (var (feature, method, hasP, hasPsi) in features)
            {
                _statistic.RemoveLabelled(model, version, feature, method);
                _drifted.RemoveLabelled(model, version, feature, method);
                if (hasP)
                {
                    _pValue.RemoveLabelled(model, version, feature, method);
                }

                if (hasPsi)
                {
                    _psi.RemoveLabelled(model, version, feature);
                }
            }
        }

        if (_predictionShown.Remove((model, version), out var shown))
        {
            _predictionStatistic.RemoveLabelled(model, version, shown.Method);
            _predictionDrifted.RemoveLabelled(model, version, shown.Method);
            if (shown.HasP)
            {
                _predictionPValue.RemoveLabelled(model, version, shown.Method);
            }
        }

        if (windowsToo)
        {
            _datasetDrifted.RemoveLabelled(model, version);
            _driftedShare.RemoveLabelled(model, version);
            _windowRows.RemoveLabelled(model, version);
            _windows.RemoveLabelled(model, version);
        }
    }

    // A chi-square over a value the baseline never saw is infinite; Prometheus takes +Inf, dashboards do not.
    private static double Finite(double value) => double.IsFinite(value) ? value : double.MaxValue;
}
