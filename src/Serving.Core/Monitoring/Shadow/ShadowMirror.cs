using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Core.Registry;
using Serving.Core.Routing;

namespace Serving.Core.Monitoring.Shadow;

/// <summary>
/// An observer that sends a copy of each finished live request to the deployment's shadow version, off the request
/// path: the request only pays for a non-blocking write to a bounded queue, and a full queue drops the copy (counted).
/// A background worker runs the copy through the data plane's one run path (<see cref="InferenceService.RunOnAsync"/>)
/// and compares its prediction with the answer the caller got. The shadow's answers
/// are never returned and its failures never reach a caller. What a request hands the queue is bounded whatever its
/// size: past <see cref="ShadowOptions.MaxRowsPerRequest"/> rows a copied row sample of the request and of the answer
/// it is compared with, and the queue is bounded in rows (<see cref="ShadowOptions.MaxQueuedRows"/>) as well as requests.
/// </summary>
public sealed class ShadowMirror : BackgroundService, IInferenceObserver
{
    private readonly Channel<ShadowWork> _queue;
    private readonly ConcurrentDictionary<(string Model, int Version), ShadowStats> _stats = new();
    private readonly ConcurrentDictionary<string, long> _dropped = new(StringComparer.Ordinal);
    private readonly ModelRegistry _registry;
    private readonly DeploymentManager _deployments;
    private readonly ILogger<ShadowMirror> _logger;
    private readonly ShadowOptions _options;
    private readonly RequestLimits _limits;
    private long _queuedRows;

    public ShadowMirror(
        ModelRegistry registry,
        DeploymentManager deployments,
        ILogger<ShadowMirror> logger,
        IOptions<ShadowOptions>? options = null,
        IOptions<RequestLimits>? limits = null)
    {
        _registry = registry;
        _deployments = deployments;
        _logger = logger;
        _options = options?.Value ?? new ShadowOptions();
        _limits = limits?.Value ?? new RequestLimits();
        _queue = Channel.CreateBounded<ShadowWork>(
            new BoundedChannelOptions(_options.QueueCapacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true },
            dropped =>
            {
                // A copy that does not fit is dropped: give back the reference it held on the shadow.
                dropped.Shadow.Release();
                Interlocked.Add(ref _queuedRows, -dropped.Rows);
                CountDrop(dropped.Request.ModelName);
            });
    }

    /// <summary>Rows waiting for the shadow now (a sampled request counts its sample).</summary>
    public long QueuedRows => Interlocked.Read(ref _queuedRows);

    /// <summary>The model's shadow figures for its current shadow version; null when it has none.</summary>
    public ShadowReport? Report(string model)
    {
        var shadow = _deployments.Current.Find(model)?.Spec.Shadow;
        return shadow is { } version && _stats.TryGetValue((model, version), out var stats)
            ? stats.Report(_dropped.GetValueOrDefault(model))
            : shadow is { } idle ? new ShadowStats(idle).Report(_dropped.GetValueOrDefault(model)) : null;
    }

    public void OnCompleted(InferenceRecord record)
    {
        // Pinned requests asked for one version on purpose; they are not live traffic to mirror.
        if (record.Response is null || record.Route == RouteKind.Pinned
            || _deployments.Current.Find(record.Model)?.Spec.Shadow is not { } version
            || version == record.Version
            || !_registry.Current.Models.TryGetValue(record.Model, out var entry)
            || !entry.Loaded.TryGetValue(version, out var shadow)
            || !shadow.TryAcquire())
        {
            return;
        }

        var rows = RowsOf(record.Request);
        var kept = Math.Min(rows, _options.MaxRowsPerRequest);
        if (Interlocked.Add(ref _queuedRows, kept) > _options.MaxQueuedRows)
        {
            Interlocked.Add(ref _queuedRows, -kept);
            shadow.Release();
            CountDrop(record.Model);
            return;
        }

        var (request, primary) = rows > kept ? Sample(record.Request, record.Response, RowSample.Random(rows, kept)) : (record.Request, record.Response);
        _queue.Writer.TryWrite(new ShadowWork(shadow, request, primary, record.Latency, kept));
    }

    private void CountDrop(string model) => _dropped.AddOrUpdate(model, 1, (_, n) => n + 1);

    /// <summary>A request's rows: the largest leading dimension of its inputs (1 for scalars).</summary>
    private static int RowsOf(InferenceRequest request)
    {
        var rows = 1;
        var inputs = request.Inputs;
        for (var i = 0; i < inputs.Count; i++)
        {
            if (RowSample.RowsOf(inputs[i]) is { } n && n > rows)
            {
                rows = n;
            }
        }

        return rows;
    }

    // The same rows of the request and of the answer, copied: inputs and outputs that are batches of the request's
    // rows are sampled, other inputs (not per row) go as they are, other outputs are left out (not compared).
    private static (InferenceRequest, InferenceResponse) Sample(InferenceRequest request, InferenceResponse primary, RowSample sample)
    {
        var inputs = new Tensor[request.Inputs.Count];
        for (var i = 0; i < inputs.Length; i++)
        {
            var input = request.Inputs[i];
            inputs[i] = RowSample.RowsOf(input) == sample.Of ? sample.Take(input) : input;
        }

        var outputs = new List<Tensor>(primary.Outputs.Count);
        foreach (var output in primary.Outputs)
        {
            if (RowSample.RowsOf(output) == sample.Of)
            {
                outputs.Add(sample.Take(output));
            }
        }

        return (
            request with { Inputs = inputs },
            new InferenceResponse { ModelName = primary.ModelName, ModelVersion = primary.ModelVersion, Route = primary.Route, Id = primary.Id, Outputs = outputs });
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var work in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                Interlocked.Add(ref _queuedRows, -work.Rows);
                await RunAsync(work, stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
        finally
        {
            while (_queue.Reader.TryRead(out var left))
            {
                Interlocked.Add(ref _queuedRows, -left.Rows);
                left.Shadow.Release();
            }
        }
    }

    private async Task RunAsync(ShadowWork work, CancellationToken cancellationToken)
    {
        var shadow = work.Shadow;
        var stats = _stats.GetOrAdd((shadow.Model, shadow.Version), key => new ShadowStats(key.Version));
        try
        {
            // The data plane's own run path (validate, run, name the outputs), on the version this copy holds a
            // reference on; every output is asked for, since the one compared may not be among those the caller chose.
            var request = work.Request.RequestedOutputs is null ? work.Request : work.Request with { RequestedOutputs = null };
            var started = Stopwatch.GetTimestamp();
            var answer = await InferenceService.RunOnAsync(shadow, request, _limits, cancellationToken);
            var latency = Stopwatch.GetElapsedTime(started);
            var output = shadow.Manifest.Signature.PredictionOutput ?? shadow.Binding.Outputs[0].Spec.Name;
            var (rows, agreeing) = PredictionAgreement.Count(work.Primary, answer.Outputs, output);
            stats.Record(rows, agreeing, latency, work.PrimaryLatency);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Whatever the shadow does wrong stays here: counted, logged, never seen by a caller.
            stats.RecordError();
            ShadowLog.ShadowFailed(_logger, shadow.Model, shadow.Version, ex.Message);
        }
        finally
        {
            shadow.Release();
        }
    }
}
