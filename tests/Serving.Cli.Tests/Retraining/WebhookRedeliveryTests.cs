using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Serving.Cli.Retraining;
using Serving.Core.Events.Signing;

namespace Serving.Cli.Tests.Retraining;

/// <summary>
/// A delivery whose handling failed is not a duplicate: its redelivery starts the run. Two deliveries of one id at once
/// start one run, and a slow gateway admin API does not hold a delivery past the sender's attempt timeout.
/// </summary>
public sealed class WebhookRedeliveryTests
{
    private static JsonObject QuickJob => new()
    {
        [RetrainerTestBed.Model] = new JsonObject { ["kind"] = "command", ["trainingData"] = RetrainerTestBed.TrainingData, ["command"] = "exit 3" },
    };

    [Fact]
    public async Task A_delivery_cancelled_while_it_was_handled_is_handled_when_it_comes_again()
    {
        await using var bed = await RetrainerTestBed.StartAsync(QuickJob);
        var receiver = bed.Services.GetRequiredService<Serving.Cli.Retraining.WebhookReceiver>();
        var body = RetrainerTestBed.DriftEvent();
        var headers = WebhookSigner.Sign(bed.Secret, "evt-cut", bed.Time.GetUtcNow(), body);

        // Cancelled during the guard's look-up of the stable version at the gateway.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            receiver.ReceiveAsync(headers.Id, headers.Timestamp, headers.Signature, body, new CancellationToken(canceled: true)));
        var (status, answer) = await bed.PostWebhookAsync("evt-cut", body);
        var (again, duplicate) = await bed.PostWebhookAsync("evt-cut", body);

        Assert.Equal(202, status);
        Assert.NotNull(answer["run"]);
        Assert.Equal(200, again);
        Assert.True((bool)duplicate["duplicate"]!);
        Assert.Single(bed.Runs.All);
        await bed.FinishedRunAsync(answer["run"]!.ToString());
    }

    [Fact]
    public async Task Two_deliveries_of_one_id_at_once_start_one_run_and_the_second_is_told_to_retry()
    {
        await using var bed = await RetrainerTestBed.StartAsync(QuickJob);
        bed.Gateway.Delay = TimeSpan.FromSeconds(2);
        var body = RetrainerTestBed.DriftEvent();

        // Which of the two comes first is the scheduler's choice; one starts the run and the other is told to retry.
        var both = await Task.WhenAll(bed.PostWebhookAsync("evt-twice", body), bed.PostWebhookAsync("evt-twice", body));
        var (third, duplicate) = await bed.PostWebhookAsync("evt-twice", body);

        Assert.Equal([202, 503], both.Select(a => a.Status).Order());
        var answer = both.Single(a => a.Status == 202).Body;
        Assert.Contains("being handled", both.Single(a => a.Status == 503).Body["error"]!.ToString(), StringComparison.Ordinal);
        Assert.Equal(200, third);
        Assert.True((bool)duplicate["duplicate"]!);
        Assert.Single(bed.Runs.All);
        await bed.FinishedRunAsync(answer["run"]!.ToString());
    }

    [Fact]
    public async Task A_gateway_slower_than_the_senders_timeout_does_not_hold_the_delivery_past_it()
    {
        await using var bed = await RetrainerTestBed.StartAsync(QuickJob);
        bed.Gateway.Delay = TimeSpan.FromMinutes(1);
        var watch = Stopwatch.StartNew();

        var (status, answer) = await bed.PostWebhookAsync("evt-slow", RetrainerTestBed.DriftEvent());

        Assert.Equal(202, status);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(12), $"answered after {watch.Elapsed}");
        await bed.FinishedRunAsync(answer["run"]!.ToString());
    }
}
