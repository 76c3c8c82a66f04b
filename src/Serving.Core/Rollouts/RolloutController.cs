using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serving.Core.Coordination;
using Serving.Core.Events;
using Serving.Core.Registry;
using Serving.Core.Routing;

namespace Serving.Core.Rollouts;

/// <summary>
/// Runs analysed canary rollouts: sets the canary at the first step's weight, judges each step against stable
/// when its interval ends, then steps up, promotes, holds, or rolls back. Each rollout is saved with the
/// deployments on every decision and change of state, and taken up again when the gateway starts
/// (<see cref="RolloutOptions.OnRestart"/>). A promotion or rollback is published as an event.
/// With several replicas only the leader judges steps (its writes fenced); the others keep each rollout as the
/// shared state says, answer for it, and the one that becomes the leader takes the rollouts up from there.
/// </summary>
/// <remarks>
/// Each step's window opens once its weight is set; it is judged at its due time (a timer aimed at the earliest
/// due step, not a periodic tick) on exactly [window start, due), the same window for every gate.
/// </remarks>
public sealed partial class RolloutController : BackgroundService, IRolloutController
{
    /// <summary>Who the controller's own deployment changes are attributed to.</summary>
    public const string Actor = "rollout";

    // A step that waits for traffic records a decision each interval; keep the newest ones, bounded.
    private const int MaxDecisions = 500;

    private static readonly JsonSerializerOptions SavedJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private readonly Lock _lock = new();
    private readonly Dictionary<string, RolloutRun> _runs = new(StringComparer.Ordinal);
    private readonly DeploymentManager _deployments;
    private readonly ModelRegistry _registry;
    private readonly VersionTrafficStats _stats;
    private readonly ILiveAccuracySource _accuracy;
    private readonly RolloutOptions _options;
    private readonly TimeProvider _time;
    private readonly IGatewayEventPublisher _events;
    private readonly ILogger<RolloutController> _logger;
    private readonly ILeadership _leadership;

    // Ended rollouts whose event is still to be handed to the publisher, outside the lock.
    private readonly List<RolloutRun> _unpublished = [];

    // True while this controller changes the deployment itself, so its own change events are not taken for a hand's.
    private bool _applying;
    private bool _restored;
    private DueTimer? _timer;

    public RolloutController(
        DeploymentManager deployments,
        ModelRegistry registry,
        VersionTrafficStats stats,
        ILiveAccuracySource accuracy,
        IOptions<RolloutOptions> options,
        TimeProvider time,
        IGatewayEventPublisher events,
        ILogger<RolloutController> logger,
        ILeadership? leadership = null)
    {
        ArgumentNullException.ThrowIfNull(deployments);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(events);
        _deployments = deployments;
        _registry = registry;
        _stats = stats;
        _accuracy = accuracy;
        _options = options.Value;
        _time = time;
        _events = events;
        _logger = logger;
        deployments.Rollouts = this;
        deployments.Changed += OnDeploymentChanged;
        deployments.RestoreCompleted += Restore;
        deployments.ChangedElsewhere += Adopt;
        _leadership = leadership ?? SingleProcessLeadership.Instance;
        if (_leadership is ILeadershipChanges changes)
        {
            changes.LeadershipChanged += OnLeadershipChanged;
        }
    }

    public RolloutStatus? Get(string model)
    {
        lock (_lock)
        {
            return _runs.TryGetValue(model, out var run) ? run.ToStatus() : null;
        }
    }

    public RolloutStatus Start(string model, RolloutRequest request, string actor)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (_lock)
        {
            return StartLocked(model, request, actor).ToStatus();
        }
    }

    /// <summary>
    /// The auto-canary policy's entry: a newer version supersedes the one being rolled out (the old run ends as
    /// aborted); the same version again is ignored.
    /// </summary>
    public void StartRollout(string model, int canary, string actor)
    {
        lock (_lock)
        {
            if (_runs.TryGetValue(model, out var run) && run.IsActive)
            {
                if (run.Canary >= canary)
                {
                    return;
                }

                End(run, RolloutStates.Aborted, null, [Text($"superseded by version {canary} ({actor})")]);
                Persist(run);
            }

            StartLocked(model, new RolloutRequest { Canary = canary }, actor);
        }
    }

    public RolloutStatus Pause(string model, string actor)
    {
        lock (_lock)
        {
            var run = Active(model);
            if (run.State != RolloutStates.Paused)
            {
                run.State = RolloutStates.Paused;
                run.NextCheckAt = null;
                _stats.Close(model);
                Record(run, RolloutStates.Paused, null, [Text($"paused by {actor}")]);
                Persist(run);
            }

            return run.ToStatus();
        }
    }

    /// <summary>Resumes a paused rollout; the step starts a fresh interval, since paused traffic is not judged.</summary>
    public RolloutStatus Resume(string model, string actor)
    {
        lock (_lock)
        {
            var run = Active(model);
            if (run.State == RolloutStates.Paused)
            {
                run.State = RolloutStates.Running;
                StartStep(run);
                Record(run, RolloutStates.Resumed, null, [Text($"resumed by {actor}")]);
                Persist(run);
            }

            return run.ToStatus();
        }
    }

    public RolloutStatus Abort(string model, string actor)
    {
        lock (_lock)
        {
            var run = Active(model);
            if (OwnsCanary(run))
            {
                Apply(() => _deployments.Rollback(model, actor, Text($"rollout of version {run.Canary} aborted")));
            }

            End(run, RolloutStates.Aborted, null, [Text($"aborted by {actor}")]);
            Persist(run);
            return run.ToStatus();
        }
    }

    /// <summary>Judges every step that is due, then aims the timer at the next due step; the timer calls it.</summary>
    internal void Evaluate()
    {
        if (!_leadership.IsLeader)
        {
            // Not this replica's to judge: the leader does, and the shared state brings its decisions here.
            StopChecks();
            return;
        }

        lock (_lock)
        {
            using var fenced = FencedWrites.Begin();
            try
            {
                var now = _time.GetUtcNow();
                foreach (var run in _runs.Values.Where(r => r.NextCheckAt <= now).ToList())
                {
                    try
                    {
                        Judge(run, now);
                    }
                    catch (DeploymentException ex)
                    {
                        End(run, RolloutStates.Aborted, null, [Text($"the deployment could not be changed: {ex.Message}")]);
                    }

                    Persist(run);
                }
            }
            finally
            {
                ArmForNextDue();
            }
        }

        PublishOutcomes();
    }

    /// <summary>Starts the check timer before returning, so steps are judged from the moment the host has started.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _timer ??= new DueTimer(_time, Tick);
            ArmForNextDue();
        }

        // Where the deployments were restored before this started (a host that scanned the registry first), take
        // the saved rollouts up now; otherwise the manager's RestoreCompleted does it after the first scan.
        if (_deployments.Restored)
        {
            Restore();
        }

        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _timer?.Dispose();
            _timer = null;
        }

        await base.StopAsync(cancellationToken);
    }

    // The timer does the work; this only keeps the service alive until the host stops (ExecuteAsync runs on the
    // thread pool since .NET 10, too late to make the timer in).
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, _time, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: every run was saved at its last decision, and the deployment stays as the last step left it.
        }
    }

    public override void Dispose()
    {
        _timer?.Dispose();
        _deployments.Changed -= OnDeploymentChanged;
        _deployments.RestoreCompleted -= Restore;
        _deployments.ChangedElsewhere -= Adopt;
        if (_leadership is ILeadershipChanges changes)
        {
            changes.LeadershipChanged -= OnLeadershipChanged;
        }

        if (ReferenceEquals(_deployments.Rollouts, this))
        {
            _deployments.Rollouts = null;
        }

        base.Dispose();
    }

    private void Tick()
    {
        try
        {
            Evaluate();
        }
#pragma warning disable CA1031 // A timer callback that throws ends the process; log it (the timer was armed again).
        catch (Exception ex)
#pragma warning restore CA1031
        {
            RolloutLog.CheckFailed(_logger, ex);
        }
    }

    private RolloutRun StartLocked(string model, RolloutRequest request, string actor)
    {
        var steps = request.Steps ?? _options.EffectiveSteps;
        if (RolloutOptions.CheckSteps(steps) is { } badSteps)
        {
            throw new DeploymentException(DeploymentErrorKind.Invalid, badSteps);
        }

        var interval = request.IntervalSeconds ?? _options.IntervalSeconds;
        if (_options.CheckInterval(interval) is { } badInterval)
        {
            throw new DeploymentException(DeploymentErrorKind.Invalid, badInterval);
        }

        if (!_registry.Current.Models.TryGetValue(model, out var entry))
        {
            throw new DeploymentException(DeploymentErrorKind.NotFound, Text($"model '{model}' not found"));
        }

        var canary = request.Canary;
        if (entry.Versions.All(v => v.Version != canary))
        {
            throw new DeploymentException(DeploymentErrorKind.Invalid, Text($"model '{model}' has no version {canary}"));
        }

        var current = _deployments.Current.Find(model)
            ?? throw new DeploymentException(DeploymentErrorKind.Conflict, Text($"model '{model}' has no stable version to compare a canary with"));
        if (canary == current.Spec.Stable)
        {
            throw new DeploymentException(DeploymentErrorKind.Invalid, Text($"version {canary} is already stable"));
        }

        if (_runs.TryGetValue(model, out var existing) && existing.IsActive)
        {
            throw new DeploymentException(DeploymentErrorKind.Conflict, Text($"a rollout of version {existing.Canary} is {existing.State}; abort it first"));
        }

        var spec = current.Spec with
        {
            Canary = canary,
            CanaryWeight = steps[0],
            Shadow = current.Spec.Shadow == canary ? null : current.Spec.Shadow,
        };
        Apply(() => _deployments.Set(model, spec, actor, Text($"rollout of version {canary} started at {steps[0]}%")));

        var now = _time.GetUtcNow();
        var run = new RolloutRun
        {
            Model = model,
            Stable = current.Spec.Stable,
            Canary = canary,
            Steps = [.. steps],
            Interval = TimeSpan.FromSeconds(interval),
            FailureLimit = _options.FailureLimit,
            StartedAt = now,
        };
        _runs[model] = run;
        StartStep(run);
        Record(run, RolloutStates.Started, null, [Text($"started by {actor}")]);
        Persist(run);
        return run;
    }

    private void Judge(RolloutRun run, DateTimeOffset now)
    {
        if (!OwnsCanary(run))
        {
            var spec = _deployments.Current.Find(run.Model)?.Spec;
            End(run, RolloutStates.Aborted, null, [Text($"the deployment changed (stable {spec?.Stable}, canary {spec?.Canary?.ToString(CultureInfo.InvariantCulture) ?? "none"})")]);
            return;
        }

        // Exactly [window start, due), the same for every gate; a long wait keeps the newest whole intervals the
        // statistics still hold. Traffic after the due time belongs to the next window, however late this runs.
        var window = RolloutWindow.Judged(run.WindowStart, run.Interval, run.NextCheckAt ?? now, _stats.Coverage);
        var verdict = RolloutAnalysis.Judge(
            _stats.Window(run.Model, run.Stable, window.From, window.To),
            _stats.Window(run.Model, run.Canary, window.From, window.To),
            _accuracy.Accuracy(run.Model, run.Stable, window.From, window.To),
            _accuracy.Accuracy(run.Model, run.Canary, window.From, window.To),
            _options);
        verdict = verdict with { Figures = verdict.Figures with { Window = window } };

        switch (verdict.Outcome)
        {
            case RolloutOutcome.Wait:
                // Hold the step and keep the window open, so a quiet model accumulates enough traffic to judge.
                run.State = RolloutStates.Waiting;
                run.NextCheckAt = StepSchedule.NextDue(run.WindowStart, run.Interval, now);
                Record(run, RolloutStates.Waiting, verdict.Figures, verdict.Reasons);
                break;
            case RolloutOutcome.Pass when run.StepIndex == run.Steps.Count - 1:
                Apply(() => _deployments.Promote(run.Model, Actor, Text($"version {run.Canary} passed every rollout step")));
                End(run, RolloutStates.Promoted, verdict.Figures, verdict.Reasons);
                break;
            case RolloutOutcome.Pass:
                Record(run, RolloutStates.Passed, verdict.Figures, verdict.Reasons);
                run.StepIndex++;
                run.State = RolloutStates.Running;
                Apply(() => _deployments.SetCanaryWeight(run.Model, run.Weight, Actor, Text($"rollout step {run.StepIndex} of {run.Steps.Count} passed")));
                StartStep(run);
                break;
            default:
                run.Failures++;
                if (run.Failures > run.FailureLimit)
                {
                    Apply(() => _deployments.Rollback(run.Model, Actor, Text($"version {run.Canary} failed rollout analysis {run.Failures} times")));
                    End(run, RolloutStates.RolledBack, verdict.Figures, verdict.Reasons);
                }
                else
                {
                    // Tolerated: hold the step and judge a fresh interval.
                    Record(run, RolloutStates.Failed, verdict.Figures, verdict.Reasons);
                    run.State = RolloutStates.Running;
                    StartStep(run);
                }

                break;
        }
    }

    /// <summary>A hand changed the deployment: if it took the canary away or changed stable, the rollout is over.</summary>
    private void OnDeploymentChanged(ModelDeployment deployment)
    {
        lock (_lock)
        {
            // The leader alone ends a rollout over it; a follower learns the end from the shared state.
            if (_applying || !_leadership.IsLeader || !_runs.TryGetValue(deployment.Model, out var run) || !run.IsActive)
            {
                return;
            }

            // A new weight or shadow leaves the comparison valid; the next step sets its own weight again.
            if (deployment.Spec.Canary == run.Canary && deployment.Spec.Stable == run.Stable)
            {
                return;
            }

            var spec = deployment.Spec;
            End(run, RolloutStates.Aborted, null, [Text($"the deployment was changed by {deployment.ChangedBy} ({deployment.Reason}): stable {spec.Stable}, canary {spec.Canary?.ToString(CultureInfo.InvariantCulture) ?? "none"}")]);
            Persist(run);
        }
    }

    private RolloutRun Active(string model)
    {
        if (!_runs.TryGetValue(model, out var run))
        {
            // The same 404 and words GET gives, so "no rollout" is one answer on every rollout endpoint.
            throw _registry.Current.Models.ContainsKey(model)
                ? new DeploymentException(DeploymentErrorKind.NotFound, RolloutMessages.NoRollout(model))
                : new DeploymentException(DeploymentErrorKind.NotFound, Text($"model '{model}' not found"));
        }

        return run.IsActive
            ? run
            : throw new DeploymentException(DeploymentErrorKind.Conflict, Text($"the rollout of version {run.Canary} of model '{model}' already ended ({run.State})"));
    }

    private bool OwnsCanary(RolloutRun run) =>
        _deployments.Current.Find(run.Model)?.Spec is { } spec && spec.Canary == run.Canary && spec.Stable == run.Stable;

    /// <summary>
    /// Opens the step's window once its weight is set: traffic is counted from now, and the step is judged one
    /// interval later, on time.
    /// </summary>
    private void StartStep(RolloutRun run)
    {
        var now = _time.GetUtcNow();
        run.StepStartedAt = now;
        run.WindowStart = now;
        run.NextCheckAt = now + run.Interval;
        _stats.Open(run.Model, run.Stable, run.Canary, now, run.Interval);
        _timer?.Arm(now + run.Interval);
    }

    /// <summary>Aims the timer at the earliest step due; a firing with nothing due just aims it again.</summary>
    private void ArmForNextDue()
    {
        if (_runs.Values.Min(r => r.NextCheckAt) is { } next)
        {
            _timer?.Arm(next);
        }
    }

    private void End(RolloutRun run, string state, RolloutFigures? figures, IReadOnlyList<string> reasons, bool log = true)
    {
        run.State = state;
        run.NextCheckAt = null;
        _stats.Close(run.Model);
        Record(run, state, figures, reasons, log);
        if (state is RolloutStates.Promoted or RolloutStates.RolledBack)
        {
            // Saved as pending with the ended run, so a crash before the publisher has it publishes it on the next start.
            run.EventPending = true;
            _unpublished.Add(run);
        }
    }

    /// <param name="log">False where the caller says what happened in one line of its own (a restart).</param>
    private void Record(RolloutRun run, string outcome, RolloutFigures? figures, IReadOnlyList<string> reasons, bool log = true)
    {
        var decision = new RolloutDecision { At = _time.GetUtcNow(), Weight = run.Weight, Outcome = outcome, Figures = figures, Reasons = reasons };
        if (run.Decisions.Count >= MaxDecisions)
        {
            // Keep the first (the start) and drop the oldest after it.
            run.Decisions.RemoveAt(1);
        }

        run.Decisions.Add(decision);
        if (!log)
        {
            return;
        }

        RolloutLog.Decision(
            _logger, run.Model, run.Canary, run.Stable, outcome, run.Weight,
            figures?.CanaryRequests ?? 0, figures?.StableRequests ?? 0, figures?.CanaryErrorRate ?? 0, figures?.StableErrorRate ?? 0,
            figures?.CanaryP99Ms, figures?.StableP99Ms, figures?.PredictionPsi, string.Join("; ", reasons));
    }

    /// <summary>Runs a deployment change of the controller's own, so the change event it raises is not taken for a hand's.</summary>
    private void Apply(Action change)
    {
        _applying = true;
        try
        {
            change();
        }
        finally
        {
            _applying = false;
        }
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
