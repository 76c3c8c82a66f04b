using System.Globalization;
using System.Text.Json;
using Serving.Core.Coordination;

namespace Serving.Core.Rollouts;

/// <summary>
/// Rollouts across replicas: another replica's rollout changes are adopted as the shared state brings them, and
/// the replica that becomes the leader takes every rollout in progress up where the stored state left it.
/// </summary>
public sealed partial class RolloutController
{
    /// <summary>Takes the saved rollouts of models another replica changed; the leader runs the active ones from a fresh window.</summary>
    private void Adopt(IReadOnlyCollection<string> models)
    {
        lock (_lock)
        {
            if (!_restored)
            {
                // Restore reads the saved state itself.
                return;
            }

            var leader = _leadership.IsLeader;
            foreach (var model in models)
            {
                if (LoadSaved(model) is not { } saved)
                {
                    continue;
                }

                if (_runs.TryGetValue(model, out var current) &&
                    JsonSerializer.Serialize(current.ToSaved() with { Format = saved.Format }, SavedJson) == JsonSerializer.Serialize(saved, SavedJson))
                {
                    // Only the deployment changed (or nothing this replica did not know): the step's window stays open.
                    continue;
                }

                var run = RolloutRun.FromSaved(saved);
                _runs[model] = run;
                if (leader && run.IsActive && run.State != RolloutStates.Paused)
                {
                    // Started or resumed through another replica: judged here, from a window opened now.
                    StartStep(run);
                }
                else
                {
                    run.NextCheckAt = null;
                    if (!run.IsActive || run.State == RolloutStates.Paused)
                    {
                        _stats.Close(model);
                    }
                }

                if (leader && run.EventPending)
                {
                    _unpublished.Add(run);
                }
            }

            ArmForNextDue();
        }

        PublishOutcomes();
    }

    private void OnLeadershipChanged(bool leader)
    {
        if (leader)
        {
            TakeOver();
            return;
        }

        StopChecks();
    }

    /// <summary>A follower judges no step: no rollout is due here until this replica leads.</summary>
    private void StopChecks()
    {
        lock (_lock)
        {
            foreach (var run in _runs.Values)
            {
                run.NextCheckAt = null;
            }
        }
    }

    /// <summary>
    /// This replica just became the leader: each rollout in progress starts its step again with a fresh window (the
    /// former leader's statistics are gone with it), at the weight the stored state gives the step.
    /// </summary>
    private void TakeOver()
    {
        lock (_lock)
        {
            if (!_restored)
            {
                // Restore takes them up, as the leader, once the deployments are restored.
                return;
            }

            using var fenced = FencedWrites.Begin();
            foreach (var run in _runs.Values.Where(r => r.IsActive).ToList())
            {
                if (LoadSaved(run.Model) is { } saved && RolloutRun.FromSaved(saved) is { IsActive: true } stored)
                {
                    _runs[run.Model] = stored;
                    TakeOverRun(stored);
                }
            }

            ArmForNextDue();
        }

        PublishOutcomes();
    }

    private void TakeOverRun(RolloutRun run)
    {
        try
        {
            if (!OwnsCanary(run))
            {
                var spec = _deployments.Current.Find(run.Model)?.Spec;
                End(run, RolloutStates.Aborted, null, [Text($"the new leader found stable {spec?.Stable.ToString(CultureInfo.InvariantCulture) ?? "none"}, canary {spec?.Canary?.ToString(CultureInfo.InvariantCulture) ?? "none"}: no longer this rollout's")]);
                Persist(run);
                return;
            }

            if (run.State == RolloutStates.Paused)
            {
                return;
            }

            if (_deployments.Current.Find(run.Model)!.Spec.CanaryWeight != run.Weight)
            {
                Apply(() => _deployments.SetCanaryWeight(run.Model, run.Weight, Actor, Text($"rollout step {run.StepIndex + 1} of {run.Steps.Count} starts again on the new leader")));
            }

            run.State = RolloutStates.Running;
            StartStep(run);
            Record(run, RolloutStates.Resumed, null, [Text($"this replica became the leader: step {run.StepIndex + 1} of {run.Steps.Count} ({run.Weight}%) starts again with a fresh window; traffic the former leader saw is not counted")]);
            Persist(run);
        }
        catch (Serving.Core.Routing.DeploymentException ex)
        {
            End(run, RolloutStates.Aborted, null, [Text($"the new leader could not change the deployment: {ex.Message}")]);
            Persist(run);
        }
    }
}
