using System.Globalization;
using Prometheus;
using Serving.Core.Registry;
using Serving.Core.Routing;

namespace Serving.Gateway.Metrics;

/// <summary>
/// Version states, load outcomes and deployments as Prometheus series, kept in step with the registry's and
/// the deployment manager's change events (never polled on the request path).
/// </summary>
internal sealed class ModelMetrics : IDisposable
{
    private static readonly string[] States = ["loading", "ready", "failed", "draining", "unloaded"];

    private readonly Lock _lock = new();
    private readonly Dictionary<(string Model, int Version), ModelVersionState> _last = [];
    private readonly ModelRegistry _registry;
    private readonly DeploymentManager _deployments;
    private readonly RequestMetrics _requests;
    private readonly Gauge _versionState;
    private readonly Counter _loads;
    private readonly Gauge _deploymentVersion;
    private readonly Gauge _canaryWeight;
    private readonly Counter _deploymentChanges;

    public ModelMetrics(ModelRegistry registry, DeploymentManager deployments, RequestMetrics requests, GatewayMetricsRegistry metrics)
    {
        _registry = registry;
        _deployments = deployments;
        _requests = requests;
        var factory = Prometheus.Metrics.WithCustomRegistry(metrics.Registry);
        _versionState = factory.CreateGauge(
            "serving_model_version_state",
            "1 for the state each model version is in (loading, ready, failed, draining, unloaded).",
            ["model", "version", "state"]);
        _loads = factory.CreateCounter(
            "serving_model_loads_total",
            "Version loads by model and outcome (ready or failed).",
            ["model", "outcome"]);
        _deploymentVersion = factory.CreateGauge(
            "serving_deployment_version",
            "The version in each deployment role (stable, canary, shadow) of each model.",
            ["model", "role"]);
        _canaryWeight = factory.CreateGauge(
            "serving_deployment_canary_weight_percent",
            "Percent of unpinned traffic the canary takes, by model.",
            ["model"]);
        _deploymentChanges = factory.CreateCounter(
            "serving_deployment_changes_total",
            "Deployment changes (swaps, canary steps, promotions, rollbacks) by model.",
            ["model"]);

        registry.Changed += OnRegistryChanged;
        deployments.Changed += OnDeploymentChanged;
        OnRegistryChanged(registry.Current);
        foreach (var deployment in deployments.Current.Models.Values)
        {
            Show(deployment);
        }
    }

    public void Dispose()
    {
        _registry.Changed -= OnRegistryChanged;
        _deployments.Changed -= OnDeploymentChanged;
    }

    private void OnRegistryChanged(RegistrySnapshot snapshot)
    {
        lock (_lock)
        {
            var seen = new HashSet<(string, int)>();
            foreach (var (model, entry) in snapshot.Models)
            {
                foreach (var status in entry.Versions)
                {
                    var key = (model, status.Version);
                    seen.Add(key);
                    var version = status.Version.ToString(CultureInfo.InvariantCulture);
                    var known = _last.TryGetValue(key, out var previous);
                    if (known && previous == status.State)
                    {
                        continue;
                    }

                    foreach (var state in States)
                    {
                        _versionState.WithLabels(model, version, state).Set(state == Name(status.State) ? 1 : 0);
                    }

                    if (status.State is ModelVersionState.Ready or ModelVersionState.Failed)
                    {
                        _loads.WithLabels(model, status.State == ModelVersionState.Ready ? "ready" : "failed").Inc();
                    }

                    if (status.State == ModelVersionState.Unloaded)
                    {
                        _requests.Forget(model, version);
                    }

                    _last[key] = status.State;
                }
            }

            // Versions gone from the registry altogether leave no series behind.
            foreach (var gone in _last.Keys.Where(k => !seen.Contains(k)).ToList())
            {
                var version = gone.Version.ToString(CultureInfo.InvariantCulture);
                foreach (var state in States)
                {
                    _versionState.RemoveLabelled(gone.Model, version, state);
                }

                _requests.Forget(gone.Model, version);
                _last.Remove(gone);
            }
        }
    }

    private void OnDeploymentChanged(ModelDeployment deployment)
    {
        _deploymentChanges.WithLabels(deployment.Model).Inc();
        Show(deployment);
    }

    private void Show(ModelDeployment deployment)
    {
        var spec = deployment.Spec;
        _deploymentVersion.WithLabels(deployment.Model, "stable").Set(spec.Stable);
        SetOrRemove(deployment.Model, "canary", spec.Canary);
        SetOrRemove(deployment.Model, "shadow", spec.Shadow);
        _canaryWeight.WithLabels(deployment.Model).Set(spec.CanaryWeight);
    }

    private void SetOrRemove(string model, string role, int? version)
    {
        if (version is { } v)
        {
            _deploymentVersion.WithLabels(model, role).Set(v);
        }
        else
        {
            _deploymentVersion.RemoveLabelled(model, role);
        }
    }

    private static string Name(ModelVersionState state) => state.ToString().ToLowerInvariant();
}
