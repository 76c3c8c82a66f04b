using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serving.Core.Coordination;
using Serving.Core.Events;
using Serving.Core.Routing;

namespace Serving.Core.Scheduling;

/// <summary>
/// Sends <c>retrain.scheduled</c> at each occurrence of a model's cron schedule, on the injected clock. Only
/// occurrences while it runs count: those that fell while the gateway was down are not sent after a start, and when
/// the clock jumps past several (a suspended machine) only the latest of them is sent. With several replicas only
/// the leader sends it, so one occurrence is one event.
/// </summary>
public sealed class RetrainScheduler : BackgroundService
{
    // Task.Delay takes at most about 49 days; a yearly schedule simply waits in steps.
    private static readonly TimeSpan LongestWait = TimeSpan.FromDays(1);

    // Read when the service starts, not when it is built: the host validates the options (a bad cron names its key)
    // before it starts services, but after it builds them.
    private readonly Func<IReadOnlyList<RetrainSchedule>> _schedules;
    private readonly Func<string, int?> _stableVersion;
    private readonly TimeProvider _time;
    private readonly ILogger<RetrainScheduler> _logger;
    private readonly EventSender _events;
    private readonly ILeadership _leadership;

    public RetrainScheduler(IOptions<RetrainingOptions> options, DeploymentManager deployments, TimeProvider time, IGatewayEventPublisher events, ILogger<RetrainScheduler> logger, ILeadership? leadership = null)
        : this(() => options.Value.Parse(), model => deployments.Current.Find(model)?.Spec.Stable, time, events, logger, leadership)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(deployments);
    }

    internal RetrainScheduler(IReadOnlyList<RetrainSchedule> schedules, Func<string, int?> stableVersion, TimeProvider time, IGatewayEventPublisher events, ILogger<RetrainScheduler> logger, ILeadership? leadership = null)
        : this(() => schedules, stableVersion, time, events, logger, leadership)
    {
    }

    private RetrainScheduler(Func<IReadOnlyList<RetrainSchedule>> schedules, Func<string, int?> stableVersion, TimeProvider time, IGatewayEventPublisher events, ILogger<RetrainScheduler> logger, ILeadership? leadership)
    {
        _leadership = leadership ?? SingleProcessLeadership.Instance;
        _schedules = schedules;
        _stableVersion = stableVersion;
        _time = time;
        _logger = logger;
        _events = new EventSender(events, logger);
    }

    /// <summary>Waits until every event sent so far is handed to the publisher (tests).</summary>
    public Task FlushAsync() => _events.FlushAsync();

    /// <summary>The <c>retrain.scheduled</c> event of one occurrence: id <c>schedule-{model}-{occurrence, Unix seconds}</c>.</summary>
    public static GatewayEvent Scheduled(RetrainSchedule schedule, DateTimeOffset occurrence, int? stableVersion)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var data = new JsonObject
        {
            ["model"] = schedule.Model,
            ["version"] = stableVersion,
            ["cron"] = schedule.Cron,
            ["timeZone"] = schedule.Zone.Id,
            ["scheduledFor"] = occurrence.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
        };
        var id = string.Create(CultureInfo.InvariantCulture, $"schedule-{schedule.Model}-{occurrence.ToUnixTimeSeconds()}");
        return new GatewayEvent(id, GatewayEventTypes.RetrainScheduled, occurrence, data);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var schedules = _schedules();
        if (schedules.Count == 0)
        {
            return;
        }

        var checkedUpTo = _time.GetUtcNow();
        foreach (var schedule in schedules)
        {
            SchedulingLog.Scheduled(_logger, schedule.Model, schedule.Cron, schedule.Zone.Id, schedule.NextAfter(checkedUpTo));
        }

        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var next = schedules.Select(s => s.NextAfter(checkedUpTo)).Where(n => n is not null).Min();
                var now = _time.GetUtcNow();
                var wait = next is { } due ? due - now : LongestWait;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait < LongestWait ? wait : LongestWait, _time, stoppingToken).ConfigureAwait(false);
                    now = _time.GetUtcNow();
                }

                foreach (var schedule in schedules)
                {
                    // A follower lets the occurrence pass: the leader sends it.
                    if (schedule.LatestIn(checkedUpTo, now) is { } occurrence && _leadership.IsLeader)
                    {
                        var version = _stableVersion(schedule.Model);
                        SchedulingLog.Due(_logger, schedule.Model, occurrence, version);
                        _events.Send(Scheduled(schedule, occurrence, version));
                    }
                }

                checkedUpTo = now;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }

        await _events.FlushAsync().ConfigureAwait(false);
    }
}
