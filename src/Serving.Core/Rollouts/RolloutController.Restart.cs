using System.Globalization;
using Serving.Core.Coordination;
using Serving.Core.Routing;

namespace Serving.Core.Rollouts;

/// <summary>
/// Taking rollouts up again when the gateway starts: each saved rollout that was in progress resumes (its interrupted
/// step starts again with a fresh window) or, with <c>Serving:Rollouts:OnRestart</c> = <c>RollBack</c>, has its canary
/// rolled back. A canary a rollout placed but whose state was never saved (an older version's file) gets the same
/// choice. Each case is said in one log line.
/// </summary>
public sealed partial class RolloutController
{
    // Who placed a canary, as an older version recorded it: a rollout's steps, its start, or the auto-canary policy.
    private const string StartedReasonPrefix = "rollout of version ";
    private const string AutoCanaryActor = "policy auto-canary";

    // A deployment read from a file that did not say who changed it last.
    private const string UnknownActor = "startup";

    /// <summary>Runs once, after the deployment manager restored the saved deployments and rollouts.</summary>
    private void Restore()
    {
        lock (_lock)
        {
            if (_restored)
            {
                return;
            }

            _restored = true;
            if (!_leadership.IsLeader)
            {
                // A follower keeps each rollout as saved, to answer for it; the leader resumes or rolls them back.
                foreach (var model in _registry.Current.Models.Keys)
                {
                    if (LoadSaved(model) is { } saved)
                    {
                        _runs[model] = RolloutRun.FromSaved(saved);
                    }
                }

                return;
            }

            using var fenced = FencedWrites.Begin();
            foreach (var model in _registry.Current.Models.Keys.Order(StringComparer.Ordinal))
            {
                try
                {
                    RestoreModel(model);
                }
                catch (DeploymentException ex) when (_runs.TryGetValue(model, out var run) && run.IsActive)
                {
                    var reason = Text($"the deployment could not be changed after the restart: {ex.Message}");
                    End(run, RolloutStates.Aborted, null, [reason], log: false);
                    Persist(run);
                    RolloutLog.EndedAfterRestart(_logger, model, run.Canary, run.Stable, reason);
                }
            }
        }

        PublishOutcomes();
    }

    private void RestoreModel(string model)
    {
        var deployment = _deployments.Current.Find(model);
        if (LoadSaved(model) is { } saved)
        {
            var run = RolloutRun.FromSaved(saved);
            _runs[model] = run;
            if (run.EventPending)
            {
                _unpublished.Add(run);
            }

            if (run.IsActive)
            {
                TakeUp(run, deployment);
                return;
            }
        }

        // No rollout in progress: a canary that a rollout placed lost its state (an older version's file, or a crash
        // between the deployment's save and the rollout's), and nothing would judge it.
        if (deployment?.Spec.Canary is { } canary && PlacedByRollout(deployment))
        {
            TakeUpWithoutState(deployment, canary);
        }
    }

    /// <summary>A rollout that was in progress when the gateway stopped.</summary>
    private void TakeUp(RolloutRun run, ModelDeployment? deployment)
    {
        if (!OwnsCanary(run))
        {
            var spec = deployment?.Spec;
            var reason = Text($"after the restart the deployment is stable {spec?.Stable.ToString(CultureInfo.InvariantCulture) ?? "none"}, canary {spec?.Canary?.ToString(CultureInfo.InvariantCulture) ?? "none"}: no longer this rollout's");
            End(run, RolloutStates.Aborted, null, [reason], log: false);
            Persist(run);
            RolloutLog.EndedAfterRestart(_logger, run.Model, run.Canary, run.Stable, reason);
            return;
        }

        var weight = deployment!.Spec.CanaryWeight;
        if (_options.RollsBackOnRestart)
        {
            var reason = Text($"the gateway restarted during the rollout and {RolloutOptions.SectionName}:OnRestart is {RolloutOptions.RollBackOnRestart}: the canary is rolled back rather than left unanalysed");
            Apply(() => _deployments.Rollback(run.Model, Actor, reason));
            End(run, RolloutStates.RolledBack, null, [reason], log: false);
            Persist(run);
            RolloutLog.RolledBackAfterRestart(_logger, run.Model, run.Canary, run.Stable, weight);
            return;
        }

        if (run.State == RolloutStates.Paused)
        {
            // A person held it; nothing judges it until they resume it, as before the restart.
            run.NextCheckAt = null;
            RolloutLog.PausedAfterRestart(_logger, run.Model, run.Canary, run.Stable, weight);
            return;
        }

        // The step starts again: its weight (a crash between the two saves of a step change may have left the
        // deployment one step ahead) and a fresh window, since the statistics of the traffic before are gone.
        if (weight != run.Weight)
        {
            Apply(() => _deployments.SetCanaryWeight(run.Model, run.Weight, Actor, Text($"rollout step {run.StepIndex + 1} of {run.Steps.Count} starts again after a restart")));
        }

        run.State = RolloutStates.Running;
        StartStep(run);
        Record(run, RolloutStates.Resumed, null, [Text($"the gateway restarted: step {run.StepIndex + 1} of {run.Steps.Count} ({run.Weight}%) starts again with a fresh window; traffic before the restart is not counted")], log: false);
        Persist(run);
        RolloutLog.ResumedAfterRestart(_logger, run.Model, run.Canary, run.Stable, run.StepIndex + 1, run.Steps.Count, run.Weight, run.Decisions.Count - 1);
    }

    /// <summary>
    /// A canary a rollout placed, with no rollout state saved for it (an older version kept rollouts in memory only).
    /// Resume starts a fresh rollout at the highest step not above the canary's weight (the first step when the
    /// weight is below it), so a restart never raises its share; RollBack removes the canary.
    /// </summary>
    private void TakeUpWithoutState(ModelDeployment deployment, int canary)
    {
        var model = deployment.Model;
        var weight = deployment.Spec.CanaryWeight;
        var steps = _options.EffectiveSteps;
        var index = 0;
        for (var i = 0; i < steps.Count; i++)
        {
            if (steps[i] <= weight)
            {
                index = i;
            }
        }

        var now = _time.GetUtcNow();
        var run = new RolloutRun
        {
            Model = model,
            Stable = deployment.Spec.Stable,
            Canary = canary,
            Steps = [.. steps],
            Interval = TimeSpan.FromSeconds(_options.IntervalSeconds),
            FailureLimit = _options.FailureLimit,
            StartedAt = _options.RollsBackOnRestart ? deployment.Since : now,
            StepIndex = index,
        };
        _runs[model] = run;
        var found = Text($"the gateway restarted and found canary {canary} at {weight}% placed by a rollout ({deployment.ChangedBy}: {deployment.Reason}) with no rollout state saved (written by an older version)");
        if (_options.RollsBackOnRestart)
        {
            var reason = Text($"{found}; {RolloutOptions.SectionName}:OnRestart is {RolloutOptions.RollBackOnRestart}: the canary is rolled back");
            Apply(() => _deployments.Rollback(model, Actor, reason));
            End(run, RolloutStates.RolledBack, null, [reason], log: false);
            Persist(run);
            RolloutLog.RolledBackWithoutState(_logger, model, canary, weight, deployment.ChangedBy, deployment.Reason);
            return;
        }

        if (weight != run.Weight)
        {
            Apply(() => _deployments.SetCanaryWeight(model, run.Weight, Actor, Text($"a fresh rollout of version {canary} starts at step {index + 1} after a restart")));
        }

        StartStep(run);
        Record(run, RolloutStates.Started, null, [Text($"{found}: a fresh rollout starts at step {index + 1} of {steps.Count} ({run.Weight}%)")], log: false);
        Persist(run);
        RolloutLog.RestartedWithoutState(_logger, model, canary, weight, deployment.ChangedBy, deployment.Reason, index + 1, steps.Count, run.Weight);
    }

    /// <summary>
    /// Whether the canary was set by a rollout (its steps, its start, or the auto-canary policy), or by something that
    /// did not say (a hand-written file). A canary set by hand or by the MLflow source had no rollout to lose.
    /// </summary>
    private static bool PlacedByRollout(ModelDeployment deployment) =>
        deployment.ChangedBy is Actor or AutoCanaryActor or UnknownActor ||
        deployment.Reason.StartsWith(StartedReasonPrefix, StringComparison.Ordinal);
}
