using System.Text.Json;

namespace Serving.Core.Rollouts;

/// <summary>Saving each rollout with the deployments, and publishing the event of one that ended.</summary>
public sealed partial class RolloutController
{
    /// <summary>Saves the run beside its deployment (deployments.json); the caller holds the lock.</summary>
    private void Persist(RolloutRun run) =>
        _deployments.SaveRollout(run.Model, JsonSerializer.SerializeToElement(run.ToSaved(), SavedJson));

    /// <summary>The model's saved rollout, or null when there is none or it cannot be read (said once, in the log).</summary>
    private SavedRollout? LoadSaved(string model)
    {
        if (_deployments.SavedRollout(model) is not { } element)
        {
            return null;
        }

        string problem;
        try
        {
            var saved = element.Deserialize<SavedRollout>(SavedJson);
            if (saved is not null && saved.Model == model && saved.Problem() is null)
            {
                return saved;
            }

            problem = saved is null ? "it is empty"
                : saved.Model != model ? $"it names model '{saved.Model}'"
                : saved.Problem()!;
        }
        catch (JsonException ex)
        {
            problem = ex.Message;
        }

        RolloutLog.SavedStateUnreadable(_logger, model, problem);
        return null;
    }

    /// <summary>
    /// Hands the events of rollouts that promoted or rolled back to the publisher, outside the lock. Once it has one
    /// the run is saved as published; if it throws, the event stays pending and is published on the next start
    /// (the id is the same, so a publisher that already had it ignores it).
    /// </summary>
    private void PublishOutcomes()
    {
        List<RolloutRun> ended;
        lock (_lock)
        {
            if (_unpublished.Count == 0)
            {
                return;
            }

            ended = [.. _unpublished];
            _unpublished.Clear();
        }

        foreach (var run in ended)
        {
            if (RolloutEvents.Of(run) is { } gatewayEvent)
            {
                _ = PublishAsync(run, gatewayEvent);
            }
        }
    }

    private async Task PublishAsync(RolloutRun run, Serving.Core.Events.GatewayEvent gatewayEvent)
    {
        try
        {
            await _events.PublishAsync(gatewayEvent).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The rollout is over either way; a publisher that failed gets the event again on the next start.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            RolloutLog.EventNotPublished(_logger, run.Model, gatewayEvent.Type, run.Canary, ex);
            return;
        }

        lock (_lock)
        {
            run.EventPending = false;

            // Saved only while it is still the model's latest rollout; a newer one's save must not be overwritten.
            if (_runs.TryGetValue(run.Model, out var latest) && ReferenceEquals(latest, run))
            {
                Persist(run);
            }
        }
    }
}
