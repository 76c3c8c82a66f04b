using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using System.Text.Json.Nodes;
using Serving.Cli.Retraining;
using Serving.Cli.Tests.Retraining;
using Serving.Cli.Training;
using Serving.Core.Events;
using Serving.Core.Events.Signing;
using Serving.Core.Monitoring.Drift;
using Serving.Core.Packaging;
using Serving.Core.Rollouts;

namespace Serving.Cli.Tests.Loop;

/// <summary>
/// The loop end to end (issue 13): the gateway serves breast-cancer with auto-canary, labelled traffic and then
/// shifted traffic come in, and with no hand in between the drift goes to the retrainer as one signed webhook, the
/// retrainer trains and gates and publishes the next version, the gateway canaries it step by step and promotes it,
/// and says so with a signed <c>rollout.promoted</c>. A candidate worse than stable stops at the gate instead. The
/// clock is shared and fake, so the hours of drift windows and the minutes of rollout steps take no time; training
/// and every HTTP hop are real. Each test takes a few seconds of real time (most of it training).
/// </summary>
public sealed class LoopTests
{
    // Rows of the sample's own data. The first 200 as they are; rows 200 to 399 with every feature three times as
    // large (the world has changed): that is the drift, and labelled it is what the next version learns from.
    private static readonly IReadOnlyList<(double[] Features, double Label)> Clean = [.. RetrainerTestBed.SampleRows(scale: 1).Take(200)];
    private static readonly IReadOnlyList<(double[] Features, double Label)> Shifted = [.. RetrainerTestBed.SampleRows(scale: 3)];
    private static readonly IReadOnlyList<(double[] Features, double Label)> DriftedWindow = [.. Shifted.Skip(200).Take(200)];

    [Fact]
    public async Task Shifted_traffic_is_retrained_gated_published_canaried_and_promoted_with_signed_webhooks_and_no_hand_in_between()
    {
        var clock = Stopwatch.StartNew();
        await using var bed = await LoopBed.StartAsync(new JsonObject { ["kind"] = "builtin" });
        Assert.Equal(2, bed.Deployment.Stable);
        Assert.Null(bed.Deployment.Canary);

        // Labelled traffic as the model was trained for, in the drift window [10:00, 11:00): no drift.
        await bed.LabelledTrafficAsync(Clean);
        await bed.SettleAsync();
        bed.Advance(LoopBed.DriftWindow);
        await LoopBed.WaitForAsync(() => DriftOf(bed).WindowsClosed == 1, "the clean drift window to close");
        Assert.False(DriftOf(bed).DatasetDrift);

        // The shifted traffic in [11:00, 12:00), labelled; the window closes an hour on and opens a drift episode.
        await bed.LabelledTrafficAsync(DriftedWindow);
        await bed.SettleAsync();
        Assert.Empty(bed.AtRetrainer);
        bed.Advance(LoopBed.DriftWindow);

        // Exactly one drift.detected reaches the retrainer, signed with its subscription's secret, and starts one run.
        await LoopBed.WaitForAsync(() => bed.Runs.All.Count == 1 && RunStages.IsFinal(bed.Runs.All[0].Stage), "the retrainer's run to end");
        var run = await bed.RunAsync(bed.Runs.All[0].Id);
        Assert.True(run.Stage == RunStages.Done, $"{run.Stage}: {run.Message}\n{string.Join('\n', run.Log ?? [])}");
        var drift = Assert.Single(bed.AtRetrainer);
        Assert.Equal(202, drift.Answered);
        AssertSigned(drift, bed.RetrainerSecret, bed.Time);
        var driftEvent = JsonNode.Parse(drift.Body)!;
        Assert.Equal(GatewayEventTypes.DriftDetected, driftEvent["type"]!.GetValue<string>());
        Assert.Equal(2, driftEvent["data"]!["version"]!.GetValue<int>());
        Assert.True(driftEvent["data"]!["datasetDrift"]!.GetValue<bool>());
        Assert.Equal(drift.Id, run.EventId);

        // It trained on the drifted window's labelled predictions (not the clean hour before), passed the gate and
        // published version 3 with its lineage.
        Assert.Contains(run.Log!, l => l.Contains($"{DriftedWindow.Count} labelled predictions", StringComparison.Ordinal));
        Assert.Equal(3, run.Version);
        Assert.Equal(2, run.ParentVersion);
        Assert.Equal("passed", run.Verdict);
        Assert.True(run.Evaluation!.Candidate["accuracy"] > run.Evaluation.Stable!["accuracy"], $"candidate {run.Evaluation.Candidate["accuracy"]} against stable {run.Evaluation.Stable["accuracy"]}");
        var lineage = ManifestSerializer.Read(Path.Combine(bed.Registry, LoopBed.Model, "3")).Lineage!.Retraining!;
        Assert.Equal(drift.Id, lineage.EventId);
        Assert.Equal(2, lineage.ParentVersion);

        var promotions = 0;
        bed.Receiver.Answer = (w, _) => TypeOf(w) == GatewayEventTypes.RolloutPromoted && Interlocked.Increment(ref promotions) == 1 ? 503 : 200;

        // The gateway sees the new folder and auto-canary starts an analysed rollout at the first step.
        await bed.PumpUntilAsync(() => bed.Deployment.Canary == 3, "auto-canary to place version 3");
        Assert.Equal(LoopBed.Steps[0], bed.Deployment.CanaryWeight);

        // Each step: drifted traffic (labelled) until both versions served enough, then the step's minute passes.
        var next = 0;
        foreach (var step in LoopBed.Steps)
        {
            Assert.Equal((3, step), (bed.Deployment.Canary ?? 0, bed.Deployment.CanaryWeight));
            var served = new Dictionary<int, int>();
            while (served.GetValueOrDefault(2) < LoopBed.MinRequests + 5 || served.GetValueOrDefault(3) < LoopBed.MinRequests + 5)
            {
                var batch = Enumerable.Range(next, 20).Select(i => Shifted[i % Shifted.Count]).ToList();
                next += batch.Count;
                foreach (var (version, count) in await bed.LabelledTrafficAsync(batch))
                {
                    served[version] = served.GetValueOrDefault(version) + count;
                }

                Assert.True(next < 2000, $"the step at {step}% did not get traffic to both versions: {string.Join(", ", served)}");
            }

            await bed.SettleAsync();
            var decided = bed.Rollout!.Decisions.Count;
            bed.Advance(LoopBed.StepInterval);
            await LoopBed.WaitForAsync(() => bed.Rollout!.Decisions.Count > decided, $"the step at {step}% to be judged");
            var decision = bed.Rollout!.Decisions[^1];
            Assert.True(decision.Outcome is RolloutStates.Passed or RolloutStates.Promoted, $"{decision.Outcome}: {string.Join("; ", decision.Reasons)}");
            Assert.True(decision.Figures!.CanaryAccuracy >= decision.Figures.StableAccuracy, $"canary {decision.Figures.CanaryAccuracy} against stable {decision.Figures.StableAccuracy}");
        }

        Assert.Equal(RolloutStates.Promoted, bed.Rollout!.State);
        Assert.Equal(3, bed.Deployment.Stable);
        Assert.Null(bed.Deployment.Canary);
        Assert.Equal(
            [RolloutStates.Started, RolloutStates.Passed, RolloutStates.Promoted],
            bed.Rollout.Decisions.Select(d => d.Outcome));

        // The second receiver hears of the publication and the promotion, each signed with its own secret. It answers
        // the promotion's first attempt with a 503: the gateway retries after its back-off, on the same clock.
        var received = await ReceivedAfterRetryAsync(bed);
        Assert.All(received, w => AssertSigned(w, bed.ReceiverSecret, bed.Time));
        Assert.Equal(
            [(GatewayEventTypes.VersionPublished, 200), (GatewayEventTypes.RolloutPromoted, 503), (GatewayEventTypes.RolloutPromoted, 200)],
            received.Select(w => (TypeOf(w), w.Answered)));
        Assert.Equal(received[1].Id, received[2].Id);
        var promoted = JsonNode.Parse(received[2].Body)!["data"]!;
        Assert.Equal(LoopBed.Model, promoted["model"]!.GetValue<string>());
        Assert.Equal(3, promoted["version"]!.GetValue<int>());
        var published = JsonNode.Parse(received[0].Body)!["data"]!;
        Assert.Equal(3, published["version"]!.GetValue<int>());
        Assert.Equal(drift.Id, published["triggerEventId"]!.GetValue<string>());

        // Still one drift event and one run: the episode stays one episode while version 2 keeps seeing drifted rows.
        Assert.Single(bed.AtRetrainer);
        Assert.Single(bed.Runs.All);
        TestContext.Current.SendDiagnosticMessage($"loop test: {clock.Elapsed.TotalSeconds:F1} s real time, {(bed.Time.GetUtcNow() - LoopBed.Start).TotalMinutes:F0} min on the fake clock");
    }

    [Fact]
    public async Task A_candidate_worse_than_stable_is_refused_by_the_gate_nothing_is_published_and_version_failed_is_sent()
    {
        using var work = new TemporaryDirectory();
        var job = new JsonObject
        {
            ["kind"] = "command",
            ["trainingData"] = RetrainerTestBed.TrainingData,
            ["command"] = $"cp '{TrainOnFlippedLabels(work)}' \"$SERVING_OUTPUT\"",
            ["outputs"] = new JsonObject { ["label"] = "ClassIndex.output", ["probability"] = "Probability.output" },
            ["predictionOutput"] = "label",
        };
        await using var bed = await LoopBed.StartAsync(job);
        var before = bed.VersionsOnDisk;

        await bed.LabelledTrafficAsync(DriftedWindow);
        await bed.SettleAsync();
        bed.Advance(LoopBed.DriftWindow);

        await LoopBed.WaitForAsync(() => bed.Runs.All.Count == 1 && RunStages.IsFinal(bed.Runs.All[0].Stage), "the retrainer's run to end");
        var run = await bed.RunAsync(bed.Runs.All[0].Id);
        Assert.True(run.Stage == RunStages.Refused, $"{run.Stage}: {run.Message}\n{string.Join('\n', run.Log ?? [])}");
        AssertSigned(Assert.Single(bed.AtRetrainer), bed.RetrainerSecret, bed.Time);

        // The refusal reaches the receiver through the gateway's outbox, signed; nothing new is served or on disk.
        var received = await bed.Receiver.WaitForAsync(r => r.Count > 0, TimeSpan.FromSeconds(60));
        var failed = Assert.Single(received);
        AssertSigned(failed, bed.ReceiverSecret, bed.Time);
        Assert.Equal(GatewayEventTypes.VersionFailed, TypeOf(failed));
        var data = JsonNode.Parse(failed.Body)!["data"]!;
        Assert.Equal("refused", data["outcome"]!.GetValue<string>());
        Assert.Equal(2, data["parentVersion"]!.GetValue<int>());
        var (candidate, stable) = (data["evaluation"]!["candidate"]!["accuracy"]!.GetValue<double>(), data["evaluation"]!["stable"]!["accuracy"]!.GetValue<double>());
        Assert.True(candidate < stable - 0.01, $"candidate {candidate} against stable {stable} with a margin of 0.01");
        Assert.Equal((candidate, stable), (run.Evaluation!.Candidate["accuracy"], run.Evaluation.Stable!["accuracy"]));

        // Seconds on the gateway's clock, for a watcher that saw a new folder to have scanned it.
        var until = bed.Time.GetUtcNow() + TimeSpan.FromSeconds(5);
        await bed.PumpUntilAsync(() => bed.Time.GetUtcNow() > until, "five seconds on the gateway's clock");
        Assert.Equal(before, bed.VersionsOnDisk);
        Assert.Empty(Directory.GetDirectories(Path.Combine(bed.Registry, LoopBed.Model), ".staging-*"));
        Assert.Equal(2, bed.Deployment.Stable);
        Assert.Null(bed.Deployment.Canary);
        Assert.Null(bed.Rollout);
    }

    // Moves the clock past the delivery back-off (Serving:Webhooks:FirstRetryDelay, 5 s with jitter) until the retry is in.
    private static async Task<IReadOnlyList<ReceivedWebhook>> ReceivedAfterRetryAsync(LoopBed bed)
    {
        await LoopBed.WaitForAsync(() => bed.Receiver.Received.Any(w => TypeOf(w) == GatewayEventTypes.RolloutPromoted), "the first rollout.promoted attempt");
        await bed.PumpUntilAsync(() => bed.Receiver.Received.Any(w => TypeOf(w) == GatewayEventTypes.RolloutPromoted && w.Answered == 200), "rollout.promoted to be retried");
        return bed.Receiver.Received;
    }

    private static VersionDriftReport DriftOf(LoopBed bed) =>
        bed.Gateway.GetRequiredService<DriftMonitor>().Tracker.Report(LoopBed.Model, [2]).Versions.Single();

    private static string TypeOf(ReceivedWebhook webhook) => JsonNode.Parse(webhook.Body)!["type"]!.GetValue<string>();

    // Checked here with the verifier a receiver would use, on the bytes as they arrived, against the shared clock.
    private static void AssertSigned(ReceivedWebhook webhook, WebhookSecret secret, TimeProvider time)
    {
        var verification = new WebhookVerifier(secret, WebhookVerifier.DefaultTolerance, time).Verify(webhook.Id, webhook.Timestamp, webhook.Signature, webhook.Body);
        Assert.True(verification.IsValid, $"{webhook.Id}: {verification.Failure} {verification.Message}");
        Assert.StartsWith("application/json", webhook.ContentType, StringComparison.Ordinal);
    }

    // breast-cancer's first recipe trained on the sample with every label flipped: wrong nearly always.
    private static string TrainOnFlippedLabels(TemporaryDirectory work)
    {
        var lines = File.ReadAllLines(RetrainerTestBed.TrainingData);
        var flipped = work.Combine("flipped.csv");
        File.WriteAllLines(flipped, [lines[0], .. lines.Skip(1).Where(l => l.Length > 0).Select(l => l[..^1] + (l[^1] == '0' ? "1" : "0"))]);
        var trained = SampleTrainer.Train(SampleCatalog.Of(LoopBed.Model)[0], CsvDataSet.Load(flipped));
        var path = work.Combine("bad.onnx");
        trained.SaveArtifact(path);
        return path;
    }
}
