using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Serving.Core.Events;
using Serving.Core.Events.Signing;

namespace Serving.Cli.Retraining;

/// <summary>
/// <c>POST /webhooks</c>: a Standard Webhooks delivery from the gateway. The signature is checked over the raw body
/// before anything is read from it (401 when it is missing, wrong, or its timestamp is more than five minutes away);
/// an id already handled is answered 200 and starts nothing (one whose handling failed is not: see <see cref="WebhookIds"/>); <c>drift.detected</c>, <c>performance.degraded</c> and
/// <c>retrain.scheduled</c> start a run for the model in <c>data.model</c>, unless the <see cref="TriggerGuard"/> holds a
/// drift or performance event back (answered 200 with the reason); other types are answered 200 and ignored, so the
/// sender does not retry them.
/// </summary>
public sealed class WebhookReceiver(RetrainerSettings settings, RetrainRuns runs, WebhookIds ids, TriggerGuard guard, TimeProvider time, ILogger<WebhookReceiver> logger, Mlflow.MlflowRunTracker? mlflow = null)
{
    /// <summary>Event types that start a run.</summary>
    public static readonly IReadOnlyList<string> Triggers = [GatewayEventTypes.DriftDetected, GatewayEventTypes.PerformanceDegraded, GatewayEventTypes.RetrainScheduled];

    private readonly WebhookVerifier _verifier = new(settings.Secret, WebhookVerifier.DefaultTolerance, time);

    /// <summary>The answer: an HTTP status and a JSON body.</summary>
    public sealed record Answer(int Status, JsonObject Body);

    /// <param name="cancellationToken">Stops the handling (the host stopping); the sender's connection is not it.</param>
    public async Task<Answer> ReceiveAsync(string? id, string? timestamp, string? signature, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var verification = _verifier.Verify(id, timestamp, signature, body.Span);
        if (!verification.IsValid)
        {
            RetrainerLog.WebhookRefused(logger, verification.Failure.ToString(), verification.Message ?? string.Empty);
            return new Answer(401, new JsonObject { ["error"] = verification.Message });
        }

        var eventId = id!; // a delivery that verified has an id
        switch (ids.Begin(eventId))
        {
            case WebhookIds.State.Handled:
                RetrainerLog.WebhookReplayed(logger, eventId);
                return new Answer(200, new JsonObject { ["duplicate"] = true, ["id"] = eventId });
            case WebhookIds.State.InFlight:
                // A 5xx, so the sender retries: the first delivery may yet fail, and then this event must not be lost.
                return new Answer(503, new JsonObject { ["error"] = $"delivery {eventId} is being handled now; send it again later" });
        }

        Answer answer;
        try
        {
            answer = await HandleAsync(eventId, body, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Not answered: forgotten, so the sender's redelivery (it sees a 500 or no answer) is handled afresh.
            ids.Abandon(eventId);
            RetrainerLog.WebhookAbandoned(logger, eventId, ex.GetType().Name);
            throw;
        }

        ids.Handled(eventId);
        return answer;
    }

    private async Task<Answer> HandleAsync(string id, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        JsonObject root;
        try
        {
            root = StrictJson.Parse(body.Span) as JsonObject ?? throw new JsonException("the body is not a JSON object");
        }
        catch (JsonException ex)
        {
            return new Answer(400, new JsonObject { ["error"] = $"the body is not the event JSON ({{\"type\", \"timestamp\", \"data\"}}): {ex.Message}" });
        }

        var type = root["type"] is JsonValue t && t.TryGetValue<string>(out var text) ? text : null;
        var data = root["data"] as JsonObject;
        if (type is null)
        {
            return new Answer(400, new JsonObject { ["error"] = "the event has no \"type\"" });
        }

        if (type == GatewayEventTypes.RolloutPromoted && mlflow?.Promoted(data) is { } moving)
        {
            return new Answer(202, new JsonObject { ["champion"] = moving });
        }

        if (!Triggers.Contains(type))
        {
            RetrainerLog.WebhookIgnored(logger, id, type, "not an event that starts retraining");
            return new Answer(200, new JsonObject { ["ignored"] = $"{type} does not start retraining" });
        }

        var model = data?["model"] is JsonValue m && m.TryGetValue<string>(out var name) ? name : null;
        if (string.IsNullOrEmpty(model))
        {
            return new Answer(400, new JsonObject { ["error"] = "the event's data has no \"model\"" });
        }

        if (await guard.WhyIgnoredAsync(model, type, data, cancellationToken).ConfigureAwait(false) is { } reason)
        {
            RetrainerLog.WebhookIgnored(logger, id, type, reason);
            return new Answer(200, new JsonObject { ["ignored"] = reason });
        }

        var at = root["timestamp"] is JsonValue s && s.TryGetValue<string>(out var when) && DateTimeOffset.TryParse(when, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed)
            ? parsed
            : time.GetUtcNow();
        var (start, end) = RetrainTrigger.WindowOf(data);
        var (outcome, run) = runs.Trigger(new RetrainTrigger(model, id, type, at, start, end, root.ToJsonString()));
        switch (outcome)
        {
            case RetrainRuns.Outcome.NoJob:
                RetrainerLog.WebhookIgnored(logger, id, type, $"no job for model '{model}'");
                return new Answer(200, new JsonObject { ["ignored"] = $"no retraining job for model '{model}'" });
            case RetrainRuns.Outcome.Coalesced:
                return new Answer(200, new JsonObject { ["coalesced"] = run!.Id });
            default:
                return new Answer(202, new JsonObject { ["run"] = run!.Id });
        }
    }

    /// <summary>The settings' jobs, for messages.</summary>
    public IReadOnlyCollection<string> Models => settings.Config.Jobs.Keys;
}
