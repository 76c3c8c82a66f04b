using System.Runtime.CompilerServices;
using System.Collections.Concurrent;
using Prometheus;
using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Core.Registry;

namespace Serving.Gateway.Metrics;

/// <summary>
/// Request counts, latency histograms and in-flight requests by model, version and protocol, fed by the data
/// plane's observer hook. Label values are bounded: a model name that is not in the registry is counted as
/// <c>_unknown</c>, so callers cannot mint series.
/// </summary>
internal sealed class RequestMetrics : IInferenceObserver
{
    private static readonly double[] LatencyBuckets =
        [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

    private readonly ModelRegistry _registry;
    private readonly Counter _requests;
    private readonly Histogram _duration;
    private readonly Gauge _inFlight;

    // Children are looked up once per label set: Prometheus' own lookup allocates, this one does not.
    private readonly ConcurrentDictionary<(string, string, string, InferenceErrorKind?), Counter.Child> _requestChildren = new();
    private readonly ConcurrentDictionary<(string, string, string), Histogram.Child> _durationChildren = new();
    private readonly ConcurrentDictionary<string, Gauge.Child> _inFlightChildren = new(StringComparer.Ordinal);

    // A served request's children by the manifest of the version that served it (compared by reference), so the
    // request path hashes no label strings; cleared whenever series are forgotten.
    private readonly ConcurrentDictionary<ServedKey, (Counter.Child Requests, Histogram.Child Duration)> _servedChildren = new();

    public RequestMetrics(ModelRegistry registry, GatewayMetricsRegistry metrics, InferenceObserverFailures observerFailures)
    {
        _registry = registry;
        var factory = Prometheus.Metrics.WithCustomRegistry(metrics.Registry);

        // No exemplars: the gateway does not trace, and looking for a trace context costs every observation.
        factory.ExemplarBehavior = ExemplarBehavior.NoExemplars();
        _requests = factory.CreateCounter(
            "serving_requests_total",
            "Inference requests by model, version that served, protocol and outcome.",
            ["model", "version", "protocol", "outcome"]);
        _duration = factory.CreateHistogram(
            "serving_request_duration_seconds",
            "Time requests spent in the data plane (route, validate, run), by model, version and protocol.",
            new HistogramConfiguration { LabelNames = ["model", "version", "protocol"], Buckets = LatencyBuckets });
        _inFlight = factory.CreateGauge(
            "serving_requests_in_flight",
            "Inference requests inside the data plane now, by protocol.",
            ["protocol"]);

        // Observers must never throw; the data plane swallows what they do throw, and this shows it.
        var failures = factory.CreateCounter(
            "serving_observer_failures_total",
            "Exceptions thrown by request observers (metrics, prediction log, shadow, drift, performance, rollouts); the answers were not affected.",
            ["observer"]);
        metrics.Registry.AddBeforeCollectCallback(() =>
        {
            foreach (var (observer, count) in observerFailures.Counts)
            {
                failures.WithLabels(observer).IncTo(count);
            }
        });
    }

    // Static lambdas with the gauge as state: a lambda that captured this would be a new delegate per request.
    public void OnStarted(InferenceRequest request) => InFlight(request.Protocol).Inc();

    public void OnAbandoned(InferenceRequest request) => InFlight(request.Protocol).Dec();

    public void OnCompleted(InferenceRecord record)
    {
        InFlight(record.Protocol).Dec();
        if (record.Manifest is { } manifest)
        {
            var served = _servedChildren.GetOrAdd(new ServedKey(manifest, record.Protocol, record.Error), static (_, state) =>
                (state.Self.RequestsChild(state.Record), state.Self.DurationChild(state.Record)), (Self: this, Record: record));
            served.Requests.Inc();
            served.Duration.Observe(record.Latency.TotalSeconds);
            return;
        }

        RequestsChild(record).Inc();
        DurationChild(record).Observe(record.Latency.TotalSeconds);
    }

    private Counter.Child RequestsChild(InferenceRecord record)
    {
        var (model, version) = Labels(record);
        return _requestChildren.GetOrAdd((model, version, record.Protocol, record.Error), static (key, counter) =>
            counter.WithLabels(key.Item1, key.Item2, key.Item3, Outcome(key.Item4)), _requests);
    }

    private Histogram.Child DurationChild(InferenceRecord record)
    {
        var (model, version) = Labels(record);
        return _durationChildren.GetOrAdd((model, version, record.Protocol), static (key, histogram) =>
            histogram.WithLabels(key.Item1, key.Item2, key.Item3), _duration);
    }

    private (string Model, string Version) Labels(InferenceRecord record)
    {
        // A record with a manifest was served by a loaded version, so its model is known without asking the registry.
        var model = record.Manifest is not null || _registry.Current.Models.ContainsKey(record.Model) ? record.Model : "_unknown";
        var version = record.Version == 0 ? "none" : record.Response?.ModelVersion ?? record.Version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return (model, version);
    }

    private Gauge.Child InFlight(string protocol) =>
        _inFlightChildren.GetOrAdd(protocol, static (p, gauge) => gauge.WithLabels(p), _inFlight);

    /// <summary>
    /// Counts a request the transport refused before the data plane saw it (it never ran, so it has no duration
    /// and was never in flight). The version is the one routing chose, or <c>none</c>.
    /// </summary>
    public void CountRefused(string? model, string? version, string protocol, InferenceErrorKind error)
    {
        var name = model is not null && _registry.Current.Models.ContainsKey(model) ? model : "_unknown";
        _requestChildren.GetOrAdd((name, version ?? "none", protocol, error), static (key, counter) =>
            counter.WithLabels(key.Item1, key.Item2, key.Item3, Outcome(key.Item4)), _requests).Inc();
    }

    /// <summary>Drops the series of versions that no longer exist, so version labels stay bounded.</summary>
    public void Forget(string model, string version)
    {
        _servedChildren.Clear();
        foreach (var key in _requestChildren.Keys.Where(k => k.Item1 == model && k.Item2 == version))
        {
            if (_requestChildren.TryRemove(key, out _))
            {
                _requests.RemoveLabelled(key.Item1, key.Item2, key.Item3, Outcome(key.Item4));
            }
        }

        foreach (var key in _durationChildren.Keys.Where(k => k.Item1 == model && k.Item2 == version))
        {
            if (_durationChildren.TryRemove(key, out _))
            {
                _duration.RemoveLabelled(key.Item1, key.Item2, key.Item3);
            }
        }
    }

    private static string Outcome(InferenceErrorKind? error) => error switch
    {
        null => "ok",
        InferenceErrorKind.BadRequest => "bad_request",
        InferenceErrorKind.NotFound => "not_found",
        InferenceErrorKind.Unavailable => "unavailable",
        InferenceErrorKind.PayloadTooLarge => "too_large",
        _ => "error",
    };

    /// <summary>The served version's manifest by reference, the protocol and the outcome.</summary>
    private readonly struct ServedKey(object manifest, string protocol, InferenceErrorKind? error) : IEquatable<ServedKey>
    {
        private readonly object _manifest = manifest;
        private readonly string _protocol = protocol;
        private readonly InferenceErrorKind? _error = error;

        public bool Equals(ServedKey other) =>
            ReferenceEquals(_manifest, other._manifest) && _error == other._error
            && (ReferenceEquals(_protocol, other._protocol) || string.Equals(_protocol, other._protocol, StringComparison.Ordinal));

        public override bool Equals(object? obj) => obj is ServedKey other && Equals(other);

        // The protocol's length, not its hash: equal protocols have equal lengths, and the manifest tells keys apart.
        public override int GetHashCode() => HashCode.Combine(RuntimeHelpers.GetHashCode(_manifest), _protocol.Length, _error);
    }
}
