using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Serving.Cli.Retraining;

/// <summary>
/// The runs: starts one per trigger for a model that has a job, at most one at a time per model. A trigger that
/// comes while the model's run is going is recorded on that run (coalesced) and starts nothing: the run in hand is
/// already retraining on the model's data. Runs go on in the background; their state is kept in memory.
/// </summary>
public sealed class RetrainRuns(RetrainerSettings settings, RetrainPipeline pipeline, TriggerGuard guard, TimeProvider time, ILogger<RetrainRuns> logger)
{
    private readonly ConcurrentDictionary<string, RetrainRun> _runs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RetrainRun> _running = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task> _tasks = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>What became of a trigger.</summary>
    public enum Outcome
    {
        Started,
        Coalesced,
        NoJob,
    }

    /// <summary>Every run, newest first.</summary>
    public IReadOnlyList<RetrainRun> All => [.. _runs.Values.OrderByDescending(r => r.Started).ThenByDescending(r => r.Id, StringComparer.Ordinal)];

    public RetrainRun? Find(string id) => _runs.GetValueOrDefault(id);

    /// <summary>Starts a run for the trigger's model, or records the trigger on the run already going.</summary>
    public (Outcome Outcome, RetrainRun? Run) Trigger(RetrainTrigger trigger)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        if (!settings.Config.Jobs.ContainsKey(trigger.Model))
        {
            return (Outcome.NoJob, null);
        }

        RetrainRun run;
        lock (_lock)
        {
            if (_running.TryGetValue(trigger.Model, out var going))
            {
                going.Coalesce($"{trigger.EventType} {trigger.EventId ?? "(by hand)"}");
                RetrainerLog.Coalesced(logger, trigger.EventType, trigger.EventId, trigger.Model, going.Id);
                return (Outcome.Coalesced, going);
            }

            var now = time.GetUtcNow();
            var id = $"{now.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}-{Guid.NewGuid().ToString("N")[..6]}";
            var directory = Path.Combine(settings.RunsDirectory, id);
            Directory.CreateDirectory(directory);
            run = new RetrainRun(id, trigger, now, directory);
            _runs[id] = run;
            _running[trigger.Model] = run;
        }

        _tasks[run.Id] = Task.Run(() => ExecuteAsync(run));
        return (Outcome.Started, run);
    }

    /// <summary>Waits for the runs going now (tests, shutdown).</summary>
    public Task WhenIdleAsync() => Task.WhenAll(_tasks.Values);

    /// <summary>Stops the runs going now (a command job's process is killed) and waits for them to end.</summary>
    public async Task StopAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await WhenIdleAsync().ConfigureAwait(false);
    }

    private async Task ExecuteAsync(RetrainRun run)
    {
        try
        {
            await pipeline.RunAsync(run, _stopping.Token).ConfigureAwait(false);
            if (run.View(withLog: false).Version is not null)
            {
                // Its cooldown starts before the run stops counting as going, so no drift event slips in between.
                guard.Published(run.Trigger.Model);
            }
        }
        catch (Exception ex)
        {
            // Whatever the pipeline did not expect still ends the run as failed rather than leaving it going forever.
            run.Enter(RunStages.Failed, time.GetUtcNow(), ex.Message);
            RetrainerLog.Failed(logger, run.Id, run.Trigger.Model, ex.Message, ex);
        }
        finally
        {
            lock (_lock)
            {
                _running.Remove(run.Trigger.Model);
            }

            _tasks.TryRemove(run.Id, out _);
        }
    }
}
