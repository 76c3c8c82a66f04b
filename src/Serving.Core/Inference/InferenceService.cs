using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Reflection;
using Microsoft.Extensions.Options;
using Serving.Core.Contracts;
using Serving.Core.Registry;
using Serving.Core.Routing;

namespace Serving.Core.Inference;

/// <summary>
/// The data plane: resolves the model and version from the registry snapshot, validates the request against
/// the signature (once: the runtime does not check again), runs the runtime while holding a reference on the
/// generation (the only reference count a request takes), and names the outputs.
/// </summary>
public sealed class InferenceService : IInferenceService
{
    private static readonly string ServerVersion =
        typeof(InferenceService).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    private readonly ModelRegistry _registry;
    private readonly DeploymentManager _deployments;
    private readonly TrafficRouter _router;
    private readonly ServingOptions _options;
    private readonly RequestLimits _limits;
    private readonly IInferenceObserver[] _observers;
    private readonly TimeProvider _time;
    private readonly InferenceObserverFailures _observerFailures;
    private readonly PredictionIdGenerator _ids = new();

    // A shadow answer is never returned to a caller; it gets an id only when its copy of the request had none.
    private static readonly PredictionIdGenerator ShadowIds = new();

    // Metadata is asked for on every MLflow request (to match columns); build it once per snapshot entry.
    private readonly ConditionalWeakTable<ModelEntry, ConcurrentDictionary<int, ModelMetadata>> _metadata = [];

    public InferenceService(
        ModelRegistry registry,
        DeploymentManager deployments,
        TrafficRouter router,
        IOptions<ServingOptions> options,
        IEnumerable<IInferenceObserver>? observers = null,
        TimeProvider? time = null,
        InferenceObserverFailures? observerFailures = null,
        IOptions<RequestLimits>? limits = null)
    {
        _limits = limits?.Value ?? new RequestLimits();
        _observers = [.. observers ?? []];
        _time = time ?? TimeProvider.System;
        _observerFailures = observerFailures ?? new InferenceObserverFailures(time: _time);
        _registry = registry;
        _deployments = deployments;
        _router = router;
        _options = options.Value;
        Server = new ServerMetadata("serving-gateway", ServerVersion, ["model_repository"]);
    }

    public ServerMetadata Server { get; }

    public bool IsServerReady => _registry.Current.IsReady;

    public IReadOnlyList<string> ModelNames => _registry.Current.ModelNames;

    public string? DefaultModel
    {
        get
        {
            if (!string.IsNullOrEmpty(_options.DefaultModel))
            {
                return _options.DefaultModel;
            }

            var names = _registry.Current.ModelNames;
            return names.Count == 1 ? names[0] : null;
        }
    }

    public ModelMetadata GetModelMetadata(string model, string? version)
    {
        var entry = FindModel(model);
        return Metadata(entry, version is null ? Stable(entry) : FindVersion(entry, version));
    }

    public InferenceRoute Route(string model, string? version, string? routingKey)
    {
        var entry = FindModel(model);
        var (generation, kind) = version is null ? Route(entry, routingKey) : (FindVersion(entry, version), RouteKind.Pinned);
        return new InferenceRoute(Metadata(entry, generation), kind);
    }

    /// <summary>
    /// Runs a request on a version the caller holds a reference on, by the same path as <see cref="InferAsync"/> but
    /// without routing or observers: the shadow's way into the data plane, so that it never repeats the run path.
    /// </summary>
    internal static ValueTask<InferenceResponse> RunOnAsync(ModelGeneration generation, InferenceRequest request, RequestLimits limits, CancellationToken cancellationToken) =>
        RunAsync(generation, RouteKind.Pinned, request, limits, ShadowIds, cancellationToken);

    private ModelMetadata Metadata(ModelEntry entry, ModelGeneration generation)
    {
        return _metadata.GetOrCreateValue(entry).GetOrAdd(generation.Version, static (_, state) =>
        {
            var (entry, generation) = state;
            var manifest = generation.Manifest;
            return new ModelMetadata(
                entry.Name,
                entry.ReadyVersions,
                Platform(manifest.Format),
                manifest.Signature.Inputs,
                manifest.Signature.Outputs,
                manifest.Task,
                generation.VersionText);
        }, (entry, generation));
    }

    public bool IsModelReady(string model, string? version)
    {
        var entry = FindModel(model);
        if (version is null)
        {
            return _router.Route(entry, _deployments.Current.Find(model), null) is not null;
        }

        var number = ParseVersion(model, version);
        if (entry.Loaded.ContainsKey(number))
        {
            return true;
        }

        return entry.Versions.Any(v => v.Version == number)
            ? false
            : throw InferenceException.NotFound($"model '{CallerText.Cut(model)}' has no version '{CallerText.Cut(version)}'");
    }

    public async ValueTask<InferenceResponse> InferAsync(InferenceRequest request, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        foreach (var observer in _observers)
        {
            try
            {
                observer.OnStarted(request);
            }
            catch (Exception ex)
            {
                _observerFailures.Record(observer, nameof(IInferenceObserver.OnStarted), ex);
            }
        }

        ModelGeneration? generation = null;
        var route = RouteKind.Stable;
        try
        {
            (generation, route) = Acquire(request);
            InferenceResponse response;
            try
            {
                response = await RunAsync(generation, route, request, _limits, _ids, cancellationToken);
            }
            catch (Exception ex) when (ex is not InferenceException and not OperationCanceledException)
            {
                // A runtime must not take the request down with an exception of its own: it becomes a 500
                // with the reason, and observers count it as the version's error.
                throw new InferenceException(InferenceErrorKind.Internal, $"the model failed: {ex.Message}", ex);
            }

            Observe(request, generation, route, started, null, response);
            return response;
        }
        catch (InferenceException ex)
        {
            // Once routing chose a version the answer names it, errors included (X-Model-Version).
            ex.ModelVersion ??= generation?.VersionText;
            Observe(request, generation, route, started, ex.Kind, null);
            throw;
        }
        catch (OperationCanceledException)
        {
            // No answer and no outcome, but the request is no longer in flight.
            foreach (var observer in _observers)
            {
                try
                {
                    observer.OnAbandoned(request);
                }
                catch (Exception ex)
                {
                    _observerFailures.Record(observer, nameof(IInferenceObserver.OnAbandoned), ex);
                }
            }

            throw;
        }
        finally
        {
            generation?.Release();
        }
    }

    private static async ValueTask<InferenceResponse> RunAsync(ModelGeneration generation, RouteKind route, InferenceRequest request, RequestLimits limits, PredictionIdGenerator ids, CancellationToken cancellationToken)
    {
        // The id goes back in a header and into logs: refuse one that cannot go there before the model runs.
        // Transports check it when they read the request; this holds for any that does not.
        if (request.Id is { } id && !PredictionIds.IsValid(id, limits.MaxIdLength))
        {
            throw InferenceException.BadRequest(
                $"the request id '{CallerText.Cut(id)}' ({id.Length} characters) is not valid: an id is {PredictionIds.Rule(limits.MaxIdLength)}");
        }

        RequestNames.CheckTensors(request, limits);
        var binding = generation.Binding;
        var inputs = RequestValidator.CheckInputs(request.ModelName, binding, request.Inputs, limits);
        var outputs = RequestValidator.SelectOutputs(request.ModelName, binding, request.RequestedOutputs);

        // Checked once, here: the runtime need not check again, and the reference this request holds on the
        // generation keeps the runtime alive, so it need not count the call either. The runtime is told the artifact's
        // names beside the caller's inputs and names the outputs as the signature does, so no tensor is copied to be
        // renamed either way.
        var named = await generation.Runtime.RunCheckedAsync(inputs, binding.CallFor(outputs), cancellationToken);

        return new InferenceResponse
        {
            ModelName = generation.Model,
            ModelVersion = generation.VersionText,
            Route = route,

            // The prediction id joins feedback to this answer later: the caller's id, else a fresh one.
            Id = request.Id ?? ids.Next(),
            Outputs = named,
        };
    }

    private void Observe(InferenceRequest request, ModelGeneration? generation, RouteKind route, long started, InferenceErrorKind? error, InferenceResponse? response)
    {
        if (_observers.Length == 0)
        {
            return;
        }

        var latency = _time.GetElapsedTime(started);
        var record = new InferenceRecord(
            request.ModelName,
            generation?.Version ?? 0,
            route,
            request.Protocol,
            _time.GetUtcNow() - latency,
            latency,
            error,
            request,
            response)
        {
            Manifest = generation?.Manifest,
        };
        foreach (var observer in _observers)
        {
            // An observer must never throw; one that does is counted and logged, and the answer stands.
            try
            {
                observer.OnCompleted(record);
            }
            catch (Exception ex)
            {
                _observerFailures.Record(observer, nameof(IInferenceObserver.OnCompleted), ex);
            }
        }
    }

    /// <summary>
    /// Takes a reference on the generation that should serve; if it was retired between the snapshot read and
    /// the acquire (a swap), the next snapshot already routes elsewhere, so try again.
    /// </summary>
    private (ModelGeneration Generation, RouteKind Route) Acquire(InferenceRequest request)
    {
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var entry = FindModel(request.ModelName);
            var (generation, route) = request.Version is { } version
                ? (FindRouted(entry, version, request.RoutedAs), request.RoutedAs ?? RouteKind.Pinned)
                : Route(entry, request.RoutingKey);
            if (generation.TryAcquire())
            {
                return (generation, route);
            }
        }

        throw InferenceException.Unavailable($"model '{CallerText.Cut(request.ModelName)}' is being swapped; retry");
    }

    /// <summary>
    /// The version a request names: pinned by the caller, or chosen by <see cref="Route(string, string?, string?)"/>
    /// earlier. A routed version that was removed since is no fault of the caller: retry, rather than not found.
    /// </summary>
    private static ModelGeneration FindRouted(ModelEntry entry, string version, RouteKind? routedAs)
    {
        try
        {
            return FindVersion(entry, version);
        }
        catch (InferenceException ex) when (routedAs is not null && ex.Kind == InferenceErrorKind.NotFound)
        {
            throw InferenceException.Unavailable($"version {CallerText.Cut(version)} of model '{entry.Name}' was removed while the request was read; retry");
        }
    }

    private (ModelGeneration, RouteKind) Route(ModelEntry entry, string? routingKey) =>
        _router.Route(entry, _deployments.Current.Find(entry.Name), routingKey) is { } decision
            ? (decision.Generation, decision.Kind)
            : throw Unavailable(entry);

    /// <summary>The version unpinned, unkeyed traffic mostly sees: the deployment's stable one.</summary>
    private ModelGeneration Stable(ModelEntry entry) =>
        _deployments.Current.Find(entry.Name) is { } deployment && entry.Loaded.TryGetValue(deployment.Spec.Stable, out var stable)
            ? stable
            : entry.Default ?? throw Unavailable(entry);

    private ModelEntry FindModel(string model)
    {
        RequestNames.Check("model", model, _limits);
        return _registry.Current.Models.TryGetValue(model, out var entry)
            ? entry
            : throw InferenceException.NotFound($"model '{CallerText.Cut(model)}' not found");
    }

    private static ModelGeneration FindVersion(ModelEntry entry, string version)
    {
        var number = ParseVersion(entry.Name, version);
        if (entry.Loaded.TryGetValue(number, out var generation))
        {
            return generation;
        }

        var status = entry.Versions.FirstOrDefault(v => v.Version == number);
        return status is null
            ? throw InferenceException.NotFound($"model '{entry.Name}' has no version '{CallerText.Cut(version)}'")
            : throw InferenceException.Unavailable(
                $"version {CallerText.Cut(version)} of model '{entry.Name}' is {status.State.ToString().ToLowerInvariant()}{(status.Reason is null ? string.Empty : ": " + status.Reason)}");
    }

    private static int ParseVersion(string model, string version) =>
        int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
            ? number
            : throw InferenceException.NotFound($"model '{CallerText.Cut(model)}' has no version '{CallerText.Cut(version)}' (versions are positive integers)");

    private static InferenceException Unavailable(ModelEntry entry)
    {
        if (entry.Loaded.Count > 0)
        {
            // Versions serve, yet nothing routes: the model follows a source (MLflow) that has not set its deployment.
            return InferenceException.Unavailable(
                $"model '{entry.Name}' has no deployment yet: it follows MLflow and serves once its aliases are applied (versions {string.Join(", ", entry.ReadyVersions)} are loaded)");
        }

        var reasons = entry.Versions.Where(v => v.Reason is not null).Select(v => $"version {v.Version} {v.State.ToString().ToLowerInvariant()}: {v.Reason}");
        return InferenceException.Unavailable(
            $"model '{entry.Name}' has no version ready to serve{(reasons.Any() ? " (" + string.Join("; ", reasons) + ")" : string.Empty)}");
    }

    private static string Platform(string format) => format switch
    {
        ModelFormats.Onnx => "onnx_onnxv1",
        ModelFormats.MLNet => "mlnet_zip",
        _ => format,
    };
}
