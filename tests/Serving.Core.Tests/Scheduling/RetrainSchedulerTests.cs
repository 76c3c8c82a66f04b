using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Serving.Core.Events;
using Serving.Core.Scheduling;
using Serving.Core.Tests.Support;

namespace Serving.Core.Tests.Scheduling;

/// <summary>retrain.scheduled at each occurrence of a model's cron schedule, on a fake clock.</summary>
public sealed class RetrainSchedulerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new(T0);
    private readonly RecordingEventPublisher _events = new();

    private RetrainScheduler Scheduler(params (string Model, string Cron)[] schedules)
    {
        var options = new RetrainingOptions();
        foreach (var (model, cron) in schedules)
        {
            options.Schedules[model] = cron;
        }

        Assert.Empty(options.Validate());
        return new RetrainScheduler(options.Parse(), model => model == "iris" ? 3 : null, _time, _events, NullLogger<RetrainScheduler>.Instance);
    }

    private static string Id(string model, DateTimeOffset at) => $"schedule-{model}-{at.ToUnixTimeSeconds()}";

    /// <summary>Gives the scheduler's loop time to act on the clock (real time: it runs on the thread pool).</summary>
    private async Task SettleAsync(RetrainScheduler scheduler)
    {
        await Task.Delay(100, TestContext.Current.CancellationToken);
        await scheduler.FlushAsync();
    }

    [Fact]
    public async Task Each_occurrence_sends_one_event_with_the_stable_version_and_none_between_them()
    {
        using var scheduler = Scheduler(("iris", "*/15 * * * *"));
        await scheduler.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            await SettleAsync(scheduler);
            Assert.Empty(_events.Events);

            _time.Advance(TimeSpan.FromMinutes(15));
            var first = Assert.Single(await _events.WaitForAsync(1, Patience));

            _time.Advance(TimeSpan.FromMinutes(14));
            await SettleAsync(scheduler);
            Assert.Single(_events.Events);

            _time.Advance(TimeSpan.FromMinutes(1));
            var events = await _events.WaitForAsync(2, Patience);

            Assert.Equal([Id("iris", T0.AddMinutes(15)), Id("iris", T0.AddMinutes(30))], events.Select(e => e.Id));
            Assert.Equal(GatewayEventTypes.RetrainScheduled, first.Type);
            Assert.Equal("iris", (string?)first.Data["model"]);
            Assert.Equal(3, (int?)first.Data["version"]);
            Assert.Equal("*/15 * * * *", (string?)first.Data["cron"]);
            Assert.Equal(T0.AddMinutes(15), DateTimeOffset.Parse((string)first.Data["scheduledFor"]!, CultureInfo.InvariantCulture));
            Assert.Equal(T0.AddMinutes(15), first.Timestamp);
        }
        finally
        {
            await scheduler.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Occurrences_before_the_start_are_not_sent_and_a_jump_over_several_sends_only_the_latest()
    {
        using var scheduler = Scheduler(("iris", "0 * * * *"), ("diabetes", "30 12 * * *"));
        await scheduler.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            // Started at 12:00 exactly: the 12:00 occurrence is not after the start, so it is not sent.
            await SettleAsync(scheduler);
            Assert.Empty(_events.Events);

            _time.Advance(TimeSpan.FromHours(3));
            var events = await _events.WaitForAsync(2, Patience);
            await SettleAsync(scheduler);

            Assert.Equal(
                [Id("diabetes", T0.AddMinutes(30)), Id("iris", T0.AddHours(3))],
                _events.Events.Select(e => e.Id).Order(StringComparer.Ordinal));
            Assert.Null(events.Single(e => (string?)e.Data["model"] == "diabetes").Data["version"]);
        }
        finally
        {
            await scheduler.StopAsync(CancellationToken.None);
        }
    }

    [Theory]
    [InlineData("0 3 * *")]
    [InlineData("61 * * * *")]
    [InlineData("0 0 3 * * *")]
    [InlineData("")]
    public void A_bad_cron_expression_is_named_with_its_key(string cron)
    {
        var options = new RetrainingOptions();
        options.Schedules["iris"] = cron;

        var problem = Assert.Single(options.Validate());

        Assert.StartsWith($"Serving:Retraining:Schedules:iris is '{cron}'; ", problem, StringComparison.Ordinal);
        Assert.Contains("use five cron fields (minute hour day-of-month month day-of-week)", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_time_zone_is_named_with_its_key()
    {
        var options = new RetrainingOptions { TimeZone = "Mars/Olympus" };

        Assert.StartsWith("Serving:Retraining:TimeZone is 'Mars/Olympus'", Assert.Single(options.Validate()), StringComparison.Ordinal);
    }
}
