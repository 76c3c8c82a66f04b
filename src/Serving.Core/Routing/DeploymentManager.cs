using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serving.Core.Coordination;
using Serving.Core.Registry;
using Serving.Core.Storage;

namespace Serving.Core.Routing;

/// <summary>
/// Owns every model's deployment. Changes are validated whole, load the versions they need first, and are
/// swapped in as a new immutable <see cref="DeploymentTable"/>; a refused change leaves the old one serving.
/// Policies act when the registry publishes a new version, never by re-reading "the newest" on a timer.
/// With a shared store (Redis) every change is written there, changes other replicas made are applied as they
/// arrive, and only the leader acts on a publication's policy, so a publication starts one rollout, not one per replica.
/// </summary>
public sealed class DeploymentManager
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, HashSet<int>> _published = new(StringComparer.Ordinal);

    // Each model's latest rollout, saved in the same file as the deployments so one write keeps both in step.
    private readonly Dictionary<string, JsonElement> _rollouts = new(StringComparer.Ordinal);
    private readonly ModelRegistry _registry;
    private readonly DeploymentOptions _options;
    private readonly IDeploymentStateStore _store;
    private readonly DeploymentStore? _formerStore;
    private readonly ILeadership _leadership;
    private readonly DataDirectoryStatus _dataDirectory;
    private readonly TimeProvider _time;
    private readonly ILogger<DeploymentManager> _logger;
    private DeploymentTable _current = DeploymentTable.Empty;
    private bool _restored;

    // Set once RestoreCompleted's handlers ran, so the server is ready only after saved rollouts were taken up too.
    private bool _restoreAnnounced;

    public DeploymentManager(
        ModelRegistry registry,
        IOptions<DeploymentOptions> options,
        IOptions<RegistryOptions> registryOptions,
        DataDirectoryStatus dataDirectory,
        TimeProvider time,
        ILogger<DeploymentManager> logger,
        ISharedDeploymentStateStore? sharedStore = null,
        ILeadership? leadership = null)
    {
        _registry = registry;
        _options = options.Value;
        _dataDirectory = dataDirectory;
        _leadership = leadership ?? SingleProcessLeadership.Instance;
        if (sharedStore is not null)
        {
            _store = sharedStore;
            // Redis empty (new, or restarted without persistence): this replica's last known state fills it.
            _formerStore = new DeploymentStore(_options.StateFile(dataDirectory.Paths));
            sharedStore.ChangedElsewhere += OnChangedElsewhere;
        }
        else
        {
            _store = new DeploymentStore(_options.StateFile(dataDirectory.Paths));
            if (string.IsNullOrEmpty(_options.StatePath))
            {
                // Where earlier releases kept it: inside the registry, which may now be read-only. Read, never written.
                _formerStore = new DeploymentStore(Path.Combine(registryOptions.Value.FullPath, ".deployments.json"));
            }
        }

        _time = time;
        _logger = logger;
        registry.Changed += OnRegistryChanged;
        OnRegistryChanged(registry.Current);
    }

    /// <summary>The deployments requests are routed by.</summary>
    public DeploymentTable Current => Volatile.Read(ref _current);

    /// <summary>
    /// Whether the saved deployments have been restored over the registry's first full scan, and
    /// <see cref="RestoreCompleted"/> has been handled (saved rollouts resumed or rolled back). Until then a request
    /// could be routed by the registry's defaults rather than by what an admin set, or reach a canary whose rollout
    /// is not yet taken up, so the server is not ready.
    /// </summary>
    public bool Restored
    {
        get
        {
            lock (_lock)
            {
                return _restored && _restoreAnnounced;
            }
        }
    }

    /// <summary>Where deployments are kept.</summary>
    public string StatePath => _store.Location;

    /// <summary>Starts analysed rollouts for the auto-canary policy; without one, that policy only sets the canary.</summary>
    public IRolloutStarter? Rollouts { get; set; }

    /// <summary>Raised after a deployment changed, outside the manager's lock.</summary>
    public event Action<ModelDeployment>? Changed;

    /// <summary>
    /// Raised once, outside the manager's lock, after the saved deployments and rollouts were restored over the
    /// registry's first full scan (see <see cref="Restored"/>), before any policy acts on a publication.
    /// </summary>
    public event Action? RestoreCompleted;

    /// <summary>
    /// Raised, outside the manager's lock and after <see cref="Changed"/>, with the models whose deployment or rollout
    /// another replica changed (shared store only); their <see cref="SavedRollout"/> is the other replica's now.
    /// </summary>
    public event Action<IReadOnlyCollection<string>>? ChangedElsewhere;

    /// <summary>
    /// The model's latest rollout as it was saved with the deployments (restored from the file at start-up);
    /// null when there is none. The rollout controller owns what is inside.
    /// </summary>
    public JsonElement? SavedRollout(string model)
    {
        lock (_lock)
        {
            return _rollouts.TryGetValue(model, out var state) ? state : null;
        }
    }

    /// <summary>
    /// Saves a model's rollout state in the deployments file now (temporary file, then rename), beside the
    /// deployment it steers; it is written again with every later deployment change.
    /// </summary>
    public void SaveRollout(string model, JsonElement state)
    {
        lock (_lock)
        {
            _rollouts[model] = state.Clone();
            Save(Current);
        }
    }

    public DeploymentPolicy PolicyOf(string model) => _options.PolicyOf(model);

    /// <summary>
    /// Replaces a model's deployment; loads versions it needs first. Throws <see cref="DeploymentException"/>.
    /// <paramref name="mlflowApplied"/> records what the MLflow aliases asked for (the MLflow source sets it); null
    /// keeps the record the deployment had.
    /// </summary>
    public ModelDeployment Set(string model, DeploymentSpec spec, string actor, string reason, DeploymentSpec? mlflowApplied = null) =>
        Change(model, actor, reason, _ => spec, mlflowApplied);

    /// <summary>Makes the canary the stable version and removes the canary.</summary>
    public ModelDeployment Promote(string model, string actor, string reason = "promoted") =>
        Change(model, actor, reason, current => current?.Spec.Canary is { } canary
            ? current.Spec with { Stable = canary, Canary = null, CanaryWeight = 0 }
            : throw new DeploymentException(DeploymentErrorKind.Conflict, $"model '{model}' has no canary to promote"));

    /// <summary>
    /// With a canary: removes it and stable stays. Without one: returns to the previous stable. With neither: 409.
    /// </summary>
    public ModelDeployment Rollback(string model, string actor, string reason = "rolled back") =>
        Change(model, actor, reason, current => current switch
        {
            { Spec.Canary: not null } => current.Spec with { Canary = null, CanaryWeight = 0 },
            { PreviousStable: { } previous } => current.Spec with { Stable = previous },
            _ => throw new DeploymentException(DeploymentErrorKind.Conflict, $"model '{model}' has no canary and no previous stable version to roll back to"),
        });

    /// <summary>Moves the canary's share of traffic (rollout steps).</summary>
    public ModelDeployment SetCanaryWeight(string model, int weight, string actor, string reason) =>
        Change(model, actor, reason, current => current?.Spec.Canary is not null
            ? current.Spec with { CanaryWeight = weight }
            : throw new DeploymentException(DeploymentErrorKind.Conflict, $"model '{model}' has no canary"));

    /// <summary>Unloads a version that no deployment uses; throws 409 for one that serves.</summary>
    public void Unload(string model, int version, string actor)
    {
        lock (_lock)
        {
            if (Current.Find(model) is { } deployment && deployment.Spec.Versions().Contains(version))
            {
                throw new DeploymentException(DeploymentErrorKind.Conflict,
                    $"version {version} of model '{model}' is part of its deployment (stable {deployment.Spec.Stable}, canary {deployment.Spec.Canary?.ToString() ?? "none"}, shadow {deployment.Spec.Shadow?.ToString() ?? "none"}); change the deployment first");
            }

            if (!_registry.Unload(model, version, $"unloaded by {actor}"))
            {
                throw new DeploymentException(DeploymentErrorKind.Conflict, $"version {version} of model '{model}' is not loaded");
            }
        }
    }

    /// <summary>Loads a published version so it can be pinned or deployed; throws 409 with the reason when it fails.</summary>
    public void Load(string model, int version)
    {
        bool added;
        lock (_lock)
        {
            // A version loaded on request is not a publication: no policy may act on it.
            added = (_published.TryGetValue(model, out var seen) ? seen : _published[model] = []).Add(version);
        }

        var failure = _registry.Load(model, version);
        if (failure is not null)
        {
            if (added)
            {
                lock (_lock)
                {
                    // It never served: once its folder is fixed, that is a publication the policy acts on.
                    _published.GetValueOrDefault(model)?.Remove(version);
                }
            }

            throw new DeploymentException(DeploymentErrorKind.Conflict, $"version {version} of model '{model}' did not load: {failure}");
        }
    }

    private ModelDeployment Change(string model, string actor, string reason, Func<ModelDeployment?, DeploymentSpec> next, DeploymentSpec? mlflowApplied = null)
    {
        ModelDeployment changed;
        lock (_lock)
        {
            if (!_registry.Current.Models.ContainsKey(model))
            {
                throw new DeploymentException(DeploymentErrorKind.NotFound, $"model '{model}' not found");
            }

            var current = Current.Find(model);
            var spec = next(current);
            var problem = spec.Validate();
            if (problem is not null)
            {
                throw new DeploymentException(DeploymentErrorKind.Invalid, problem);
            }

            foreach (var version in spec.Versions())
            {
                Load(model, version);
            }

            changed = Apply(model, spec, current, actor, reason, mlflowApplied);
        }

        Changed?.Invoke(changed);
        return changed;
    }

    /// <summary>Swaps in one model's new deployment and saves the table; the caller holds the lock.</summary>
    private ModelDeployment Apply(string model, DeploymentSpec spec, ModelDeployment? current, string actor, string reason, DeploymentSpec? mlflowApplied = null)
    {
        var deployment = new ModelDeployment
        {
            Model = model,
            Spec = spec,
            PreviousStable = current is not null && current.Spec.Stable != spec.Stable ? current.Spec.Stable : current?.PreviousStable,
            Since = _time.GetUtcNow(),
            ChangedBy = actor,
            Reason = reason,
            MlflowApplied = mlflowApplied ?? current?.MlflowApplied,
        };
        var table = Current.With(deployment);
        Volatile.Write(ref _current, table);
        RoutingLog.DeploymentChanged(_logger, model, spec.Stable, spec.Canary, spec.CanaryWeight, spec.Shadow, actor, reason);
        Save(table);
        return deployment;
    }

    /// <summary>
    /// Saves the table; a failure is counted in <see cref="DataDirectoryStatus"/> and never undoes the change, which
    /// serves on (it is only lost on restart). Said once per run of failures, and not at all when the start-up check
    /// already said the data directory holding the file cannot be written.
    /// </summary>
    private void Save(DeploymentTable table)
    {
        try
        {
            _store.Save(table, _rollouts);
            if (_dataDirectory.StateSaved())
            {
                RoutingLog.StoreRecovered(_logger, _store.Location);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            var first = _dataDirectory.StateSaveFailed(_store.Location, ex);
            var alreadySaid = !_dataDirectory.Writable && _store.Location.StartsWith(_dataDirectory.Paths.Root + Path.DirectorySeparatorChar, StringComparison.Ordinal);
            if (first && !alreadySaid)
            {
                RoutingLog.StoreFailed(_logger, _store.Location, DataDirectoryProbe.Reason(ex));
            }
        }
    }

    /// <summary>
    /// Keeps deployments in step with the registry: restores saved ones once the first scan is done, gives a
    /// new model its newest version, applies each model's policy to versions published since, and moves off
    /// versions that are gone.
    /// </summary>
    private void OnRegistryChanged(RegistrySnapshot snapshot)
    {
        if (!snapshot.InitialScanComplete)
        {
            return;
        }

        var changes = new List<ModelDeployment>();
        var published = new List<(string Model, int Version)>();
        bool restoring;
        lock (_lock)
        {
            restoring = !_restored;
            // Events are raised outside the registry's lock and may arrive late, after a newer snapshot was
            // handled: always act on the newest, so a stale one never undoes a change made on a newer one.
            snapshot = _registry.Current;
            if (!_restored)
            {
                Restore(snapshot);
            }

            foreach (var (model, entry) in snapshot.Models)
            {
                var seen = _published.TryGetValue(model, out var known) ? known : _published[model] = [];
                foreach (var version in entry.Loaded.Keys.Order())
                {
                    if (seen.Add(version) && _restored)
                    {
                        published.Add((model, version));
                    }
                }

                if (Reconcile(model, entry) is { } reconciled)
                {
                    changes.Add(reconciled);
                }
            }

            _restored = true;
        }

        foreach (var change in changes)
        {
            Changed?.Invoke(change);
        }

        if (restoring)
        {
            try
            {
                RestoreCompleted?.Invoke();
            }
            finally
            {
                lock (_lock)
                {
                    _restoreAnnounced = true;
                }
            }
        }

        foreach (var (model, version) in published)
        {
            ApplyPolicy(model, version);
        }
    }

    /// <summary>Applies what another replica changed: each named model's deployment (its versions loaded first) and rollout.</summary>
    private void OnChangedElsewhere(DeploymentStore.SavedState state, IReadOnlyCollection<string> models)
    {
        var shared = (ISharedDeploymentStateStore)_store;
        var changes = new List<ModelDeployment>();
        lock (_lock)
        {
            if (!_restored)
            {
                // The restore reads the store itself, this change included.
                return;
            }

            var saved = state.Deployments.ToDictionary(d => d.Model, StringComparer.Ordinal);
            var applied = new HashSet<string>(models, StringComparer.Ordinal);
            foreach (var model in models)
            {
                if (!_registry.Current.Models.ContainsKey(model))
                {
                    continue;
                }

                if (state.Rollouts.TryGetValue(model, out var rollout))
                {
                    _rollouts[model] = rollout.Clone();
                }
                else
                {
                    _rollouts.Remove(model);
                }

                if (!saved.TryGetValue(model, out var deployment) || Current.Find(model) == deployment)
                {
                    continue;
                }

                var problem = deployment.Spec.Validate();
                try
                {
                    foreach (var version in problem is null ? deployment.Spec.Versions() : [])
                    {
                        Load(model, version);
                    }
                }
                catch (DeploymentException ex)
                {
                    problem = ex.Message;
                }

                if (problem is not null)
                {
                    // This replica keeps serving what it had; the next change or re-read tries again.
                    RoutingLog.SharedChangeNotApplied(_logger, model, problem);
                    applied.Remove(model);
                    continue;
                }

                Volatile.Write(ref _current, Current.With(deployment));
                RoutingLog.DeploymentChanged(_logger, model, deployment.Spec.Stable, deployment.Spec.Canary, deployment.Spec.CanaryWeight, deployment.Spec.Shadow, deployment.ChangedBy, deployment.Reason);
                changes.Add(deployment);
            }

            shared.Applied(applied);

            // Only this replica's copy of the last known state (the file) is written: the shared one has it already.
            Save(Current);
        }

        foreach (var change in changes)
        {
            Changed?.Invoke(change);
        }

        ChangedElsewhere?.Invoke(models);
    }

    private void Restore(RegistrySnapshot snapshot)
    {
        var (saved, problem) = _store.LoadAll();
        var migrated = false;
        if (!_store.Exists && _formerStore is { Exists: true })
        {
            // An upgrade: take the deployments from the old place once, so nobody loses them, and save them anew.
            (saved, problem) = _formerStore.LoadAll();
            migrated = problem is null;
        }

        if (problem is not null)
        {
            RoutingLog.StoreUnreadable(_logger, problem);
        }

        var table = DeploymentTable.Empty;
        foreach (var deployment in saved.Deployments.Where(d => snapshot.Models.ContainsKey(d.Model) && d.Spec.Validate() is null))
        {
            table = table.With(deployment);
        }

        foreach (var (model, rollout) in saved.Rollouts.Where(r => snapshot.Models.ContainsKey(r.Key)))
        {
            _rollouts[model] = rollout;
        }

        Volatile.Write(ref _current, table);
        if (migrated)
        {
            if (_store is ISharedDeploymentStateStore)
            {
                RoutingLog.SharedStoreSeeded(_logger, _store.Location, table.Models.Count, _formerStore!.Path);
            }
            else
            {
                RoutingLog.StoreMigrated(_logger, table.Models.Count, _formerStore!.Path, _store.Location);
            }

            Save(table);
        }

        // Versions present at start-up count as published already: policies act only on later publications.
        foreach (var (model, entry) in snapshot.Models)
        {
            _published[model] = [.. entry.Loaded.Keys];
        }
    }

    /// <summary>Fixes a deployment that names versions that no longer serve; the caller holds the lock.</summary>
    private ModelDeployment? Reconcile(string model, ModelEntry entry)
    {
        var current = Current.Find(model);
        if (entry.Default is not { } newest)
        {
            return null;
        }

        if (current is null)
        {
            // A model that follows a source waits for it: its newest version may be a challenger meant for a
            // small share of traffic, so it takes none until the source sets the deployment.
            if (_options.FollowsSource(model))
            {
                return null;
            }

            return Apply(model, new DeploymentSpec { Stable = newest.Version }, null, "registry", "first version of a new model");
        }

        var spec = current.Spec;
        var loaded = entry.Loaded;
        var fixedSpec = spec with
        {
            Stable = loaded.ContainsKey(spec.Stable) ? spec.Stable : newest.Version,
            Canary = spec.Canary is { } c && loaded.ContainsKey(c) ? c : null,
            CanaryWeight = spec.Canary is { } w && loaded.ContainsKey(w) ? spec.CanaryWeight : 0,
            Shadow = spec.Shadow is { } s && loaded.ContainsKey(s) ? s : null,
        };
        // Stable may have moved onto the canary's or the shadow's version: drop only the role that now collides.
        if (fixedSpec.Canary == fixedSpec.Stable)
        {
            fixedSpec = fixedSpec with { Canary = null, CanaryWeight = 0 };
        }

        if (fixedSpec.Shadow is { } shadow && (shadow == fixedSpec.Stable || shadow == fixedSpec.Canary))
        {
            fixedSpec = fixedSpec with { Shadow = null };
        }

        return fixedSpec == spec ? null : Apply(model, fixedSpec, current, "registry", "a deployed version stopped serving");
    }

    private void ApplyPolicy(string model, int version)
    {
        if (!_leadership.IsLeader)
        {
            // Every replica sees the publication; the leader acts on it, and the others follow its change.
            return;
        }

        var policy = _options.PolicyOf(model);
        try
        {
            switch (policy)
            {
                case DeploymentPolicy.AutoStable:
                    Change(model, "policy auto-stable", $"version {version} was published", current =>
                        current is not null && current.Spec.Stable >= version
                            ? current.Spec
                            : new DeploymentSpec { Stable = version, Shadow = current?.Spec.Shadow == version ? null : current?.Spec.Shadow });
                    break;
                case DeploymentPolicy.AutoCanary when Current.Find(model) is { } current && current.Spec.Stable < version:
                    if (Rollouts is { } rollouts)
                    {
                        rollouts.StartRollout(model, version, "policy auto-canary");
                    }
                    else
                    {
                        Change(model, "policy auto-canary", $"version {version} was published", c => c!.Spec with { Canary = version, CanaryWeight = 5 });
                    }

                    break;
                default:
                    break;
            }
        }
        catch (DeploymentException ex)
        {
            RoutingLog.PolicyFailed(_logger, model, policy, version, ex.Message);
        }
    }
}
