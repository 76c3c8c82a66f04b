using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Serving.Core.Inference;
using Serving.Core.Registry;

namespace Serving.Core.Rollouts;

/// <summary>
/// Per model version: requests, errors, a latency histogram and the prediction distribution, in time buckets
/// covering the longest rollout interval. Fed by every finished request; read by the rollout controller.
/// </summary>
public sealed class VersionTrafficStats : IInferenceObserver, IDisposable
{
    private readonly ConcurrentDictionary<(string Model, int Version), TrafficSeries> _series = new();
    private readonly ConcurrentDictionary<string, PredictionBins> _bins = new(StringComparer.Ordinal);
    private readonly ModelRegistry _registry;
    private readonly TimeProvider _time;
    private readonly TimeSpan _bucketWidth;
    private readonly int _slots;

    public VersionTrafficStats(ModelRegistry registry, IOptions<RolloutOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(options);
        _registry = registry;
        _time = time;
        _bucketWidth = TimeSpan.FromSeconds(options.Value.BucketSeconds);

        // One slot more than the longest window for the bucket being written, and one for the next to recycle.
        _slots = (int)Math.Ceiling(options.Value.MaxIntervalSeconds / options.Value.BucketSeconds) + 2;
        registry.Changed += Prune;
    }

    /// <summary>The longest window <see cref="Window"/> can answer for in full.</summary>
    public TimeSpan Coverage => _bucketWidth * (_slots - 2);

    public void OnCompleted(InferenceRecord record)
    {
        // Version 0: the request failed before a version was chosen, so no version is to blame. Callers' faults
        // (bad input, too large, unknown version) say nothing about the version: a canary must not fail because
        // a client sent garbage, nor pass because garbage diluted its error rate, so they are not counted at all.
        if (record is null || record.Version <= 0 || record.Error is InferenceErrorKind.BadRequest or InferenceErrorKind.NotFound or InferenceErrorKind.PayloadTooLarge)
        {
            return;
        }

        try
        {
            var series = _series.TryGetValue((record.Model, record.Version), out var known) ? known : Create(record.Model, record.Version);
            series?.Add(_time.GetUtcNow(), record, failed: record.Error is not null);
        }
#pragma warning disable CA1031 // Observers must never throw: an output whose data does not fit its shape, or any
        // other surprise here, must not fail the request it describes; that request just goes uncounted.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    /// <summary>A version's traffic from <paramref name="from"/> to <paramref name="to"/>; empty for a version never seen.</summary>
    public TrafficWindow Window(string model, int version, DateTimeOffset from, DateTimeOffset to) =>
        _series.TryGetValue((model, version), out var series) ? series.Window(from, to) : TrafficWindow.Empty;

    public void Dispose() => _registry.Changed -= Prune;

    private TrafficSeries? Create(string model, int version)
    {
        if (!_registry.Current.Models.TryGetValue(model, out var entry) || !entry.Loaded.TryGetValue(version, out var generation))
        {
            return null;
        }

        var manifest = generation.Manifest;

        // The first version seen picks the model's bins, so every version's distribution has the same bins.
        var bins = _bins.GetOrAdd(model, static (_, m) => PredictionBins.For(m), manifest);
        var output = manifest.Signature.PredictionOutput ?? manifest.Signature.Outputs.FirstOrDefault()?.Name;
        return _series.GetOrAdd((model, version), new TrafficSeries(_slots, _bucketWidth, bins, output));
    }

    /// <summary>Drops series of versions that stopped serving, so memory follows what is loaded.</summary>
    private void Prune(RegistrySnapshot snapshot)
    {
        foreach (var key in _series.Keys)
        {
            if (!snapshot.Models.TryGetValue(key.Model, out var entry) || !entry.Loaded.ContainsKey(key.Version))
            {
                _series.TryRemove(key, out _);
            }
        }

        foreach (var model in _bins.Keys)
        {
            if (!snapshot.Models.ContainsKey(model))
            {
                _bins.TryRemove(model, out _);
            }
        }
    }
}
