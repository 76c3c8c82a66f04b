using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Serving.Cli.Retraining;
using Serving.Core.Events.Signing;

namespace Serving.Cli.Tests.Retraining;

/// <summary>
/// What the retrainer's <c>POST /webhooks</c> accepts: only a delivery signed with its secret and sent within five
/// minutes of its clock, each id once; and a trigger for a model already retraining is recorded on that run.
/// </summary>
public sealed class RetrainerWebhookTests
{
    // Waits until the test creates "go" in the run's working folder, then fails: a run that is quick and under control.
    private static JsonObject WaitingJob(string go) => new()
    {
        [RetrainerTestBed.Model] = new JsonObject { ["kind"] = "command", ["trainingData"] = RetrainerTestBed.TrainingData, ["command"] = $"while [ ! -f '{go}' ]; do sleep 0.05; done; echo stopping; exit 3" },
    };

    [Fact]
    public async Task A_bad_signature_or_a_stale_timestamp_is_401_and_starts_nothing()
    {
        await using var bed = await RetrainerTestBed.StartAsync(WaitingJob("/nonexistent"));
        var body = RetrainerTestBed.DriftEvent();

        var (wrongSecret, wrongBody) = await bed.PostWebhookAsync("evt-1", body, secret: WebhookSecret.Generate());
        var (stale, staleBody) = await bed.PostWebhookAsync("evt-2", body, sentAt: bed.Time.GetUtcNow().AddMinutes(-6));
        using var unsigned = await bed.Http.PostAsync($"{bed.Url}/webhooks", new ByteArrayContent(body), TestContext.Current.CancellationToken);

        Assert.Equal(401, wrongSecret);
        Assert.Contains("signature", wrongBody["error"]!.ToString(), StringComparison.Ordinal);
        Assert.Equal(401, stale);
        Assert.Contains("old", staleBody["error"]!.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Empty(bed.Runs.All);
    }

    [Fact]
    public async Task A_replayed_id_is_answered_without_a_second_run_and_a_trigger_during_a_run_is_coalesced()
    {
        using var work = new TemporaryDirectory();
        var go = work.Combine("go");
        await using var bed = await RetrainerTestBed.StartAsync(WaitingJob(go));
        bed.LogLabelledPredictions(RetrainerTestBed.SampleRows(scale: 1));
        var body = RetrainerTestBed.DriftEvent();

        var (first, started) = await bed.PostWebhookAsync("evt-once", body);
        var (again, replayed) = await bed.PostWebhookAsync("evt-once", body);
        var (other, coalesced) = await bed.PostWebhookAsync("evt-other", body);
        using var byHand = await bed.Http.PostAsJsonAsync($"{bed.Url}/runs", new { model = RetrainerTestBed.Model }, TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(go, "go", TestContext.Current.CancellationToken);
        var run = await bed.FinishedRunAsync(started["run"]!.ToString());

        Assert.Equal(202, first);
        Assert.Equal(200, again);
        Assert.True((bool)replayed["duplicate"]!);
        Assert.Equal(200, other);
        Assert.Equal(run.Id, coalesced["coalesced"]!.ToString());
        Assert.Equal(HttpStatusCode.Conflict, byHand.StatusCode);
        Assert.Single(bed.Runs.All);
        Assert.Equal(["drift.detected evt-other", "manual (by hand)"], run.Coalesced);
        Assert.Equal(RunStages.Failed, run.Stage);
        Assert.Contains("exited with code 3", run.Message, StringComparison.Ordinal);
        Assert.Contains(run.Log!, l => l == "[stdout] stopping");
        var (_, report) = Assert.Single(bed.Gateway.Events);
        Assert.Equal($"retrain-{run.Id}-failed", report["id"]!.ToString());
        Assert.Equal("failed", report["data"]!["outcome"]!.ToString());
    }

    [Fact]
    public async Task An_event_for_a_model_without_a_job_or_of_another_type_is_acknowledged_and_ignored()
    {
        await using var bed = await RetrainerTestBed.StartAsync(WaitingJob("/nonexistent"));

        var (noJob, noJobBody) = await bed.PostWebhookAsync("evt-a", """{"type":"drift.detected","timestamp":"2026-12-07T11:59:00Z","data":{"model":"iris"}}"""u8.ToArray());
        var (otherType, otherBody) = await bed.PostWebhookAsync("evt-b", """{"type":"rollout.promoted","timestamp":"2026-12-07T11:59:00Z","data":{"model":"breast-cancer","version":3}}"""u8.ToArray());

        Assert.Equal(200, noJob);
        Assert.Contains("iris", noJobBody["ignored"]!.ToString(), StringComparison.Ordinal);
        Assert.Equal(200, otherType);
        Assert.Contains("rollout.promoted", otherBody["ignored"]!.ToString(), StringComparison.Ordinal);
        Assert.Empty(bed.Runs.All);
    }
}
