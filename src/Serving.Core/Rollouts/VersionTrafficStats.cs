using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Core.Registry;

namespace Serving.Core.Rollouts;

/// <summary>
/// Per model under an analysed rollout: its stable's and canary's requests, errors, latency histogram and
/// prediction distribution, counted from the moment the rollout controller opens a step's window, in whole step
/// intervals from that moment. Fed by every finished request; read by the rollout controller.
/// </summary>
/// <remarks>
/// Memory is fixed whatever the traffic: per model with an open window, two series of at most
/// <c>floor(MaxIntervalSeconds / interval) + 2</c> slots, each about 1 KB (89 latency buckets and up to 32 prediction
/// bins of 8 bytes); nothing for a model without one. On the request path a finished request costs one dictionary
/// look-up and a few interlocked increments, and allocates nothing once its slot exists. In the gateway the monitoring
/// pipeline feeds it off the request path, a few milliseconds after the request finished; each request is counted
/// at the time it finished, so a window holds the same requests as if it were counted at once.
/// </remarks>
public sealed class VersionTrafficStats : IMonitoringConsumer, IDisposable
{
    private readonly ConcurrentDictionary<string, StepTraffic> _open = new(StringComparer.Ordinal);
    private readonly ModelRegistry _registry;
    private readonly TimeProvider _time;

    public VersionTrafficStats(ModelRegistry registry, IOptions<RolloutOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(options);
        _registry = registry;
        _time = time;
        Coverage = TimeSpan.FromSeconds(options.Value.MaxIntervalSeconds);
        registry.Changed += Prune;
    }

    /// <summary>The longest window <see cref="Window"/> can answer for in full (<c>Serving:Rollouts:MaxIntervalSeconds</c>).</summary>
    public TimeSpan Coverage { get; }

    /// <summary>
    /// Starts counting <paramref name="model"/>'s <paramref name="stable"/> and <paramref name="canary"/> afresh from
    /// <paramref name="start"/>, in periods of <paramref name="interval"/>; what an earlier window counted is dropped.
    /// </summary>
    public void Open(string model, int stable, int canary, DateTimeOffset start, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(model);
        var loaded = _registry.Current.Models.TryGetValue(model, out var entry) ? entry.Loaded : null;
        var stableManifest = loaded?.GetValueOrDefault(stable)?.Manifest;
        var canaryManifest = loaded?.GetValueOrDefault(canary)?.Manifest;

        if ((stableManifest ?? canaryManifest) is not { } manifest)
        {
            // Neither version is loaded, so none of their traffic can arrive: nothing to count.
            _open.TryRemove(model, out _);
            return;
        }

        // One binning for both, stable's when known, so the two distributions line up bin by bin.
        var bins = PredictionBins.For(manifest);
        var slots = (int)Math.Min(int.MaxValue, Math.Max(1, Coverage.Ticks / interval.Ticks) + 2);
        _open[model] = new StepTraffic(
            stable, new TrafficSeries(start, interval, slots, bins, OutputOf(stableManifest)),
            canary, new TrafficSeries(start, interval, slots, bins, OutputOf(canaryManifest)));
    }

    /// <summary>Stops counting <paramref name="model"/> (its rollout paused or ended) and frees what was counted.</summary>
    public void Close(string model) => _open.TryRemove(model, out _);

    /// <summary>Counts the request when it finished (it started at StartedAt and took Latency), not when the pipeline hands it over.</summary>
    public void Consume(InferenceRecord record) => Count(record, record.StartedAt + record.Latency);

    /// <summary>Nothing to count: the monitoring pipeline counts what it dropped (<c>serving_monitoring_dropped_total</c>).</summary>
    void IMonitoringConsumer.Missed(InferenceRecord record)
    {
    }

    private void Count(InferenceRecord record, DateTimeOffset finished)
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
            if (_open.TryGetValue(record.Model, out var step) && step.Of(record.Version) is { } series)
            {
                series.Add(finished, record, failed: record.Error is not null);
            }
        }
#pragma warning disable CA1031 // Observers must never throw: an output whose data does not fit its shape, or any
        // other surprise here, must not fail the request it describes; that request just goes uncounted.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    /// <summary>
    /// A version's traffic that finished in [<paramref name="from"/>, <paramref name="to"/>), both on the open
    /// window's period boundaries; empty for a model without an open window or a version it does not count.
    /// </summary>
    public TrafficWindow Window(string model, int version, DateTimeOffset from, DateTimeOffset to) =>
        _open.TryGetValue(model, out var step) && step.Of(version) is { } series ? series.Window(from, to) : TrafficWindow.Empty;

    public void Dispose() => _registry.Changed -= Prune;

    private static string? OutputOf(ModelManifest? manifest) =>
        manifest is null ? null : manifest.Signature.PredictionOutput ?? manifest.Signature.Outputs.FirstOrDefault()?.Name;

    /// <summary>Drops the windows of models that are gone, so memory follows what is loaded.</summary>
    private void Prune(RegistrySnapshot snapshot)
    {
        foreach (var model in _open.Keys)
        {
            if (!snapshot.Models.ContainsKey(model))
            {
                _open.TryRemove(model, out _);
            }
        }
    }
}
