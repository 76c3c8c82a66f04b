using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serving.Core.Events.Signing;
using Serving.Core.Events;

namespace Serving.Cli.Retraining;

/// <summary>The retrainer's HTTP surface: <c>POST /webhooks</c>, <c>GET /runs</c>, <c>GET /runs/{id}</c>, <c>POST /runs</c> and <c>GET /healthz</c>.</summary>
internal static class RetrainerEndpoints
{
    /// <summary>Largest webhook body read; events are small.</summary>
    public const int MaxWebhookBytes = 1024 * 1024;

    public static void MapRetrainerEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/webhooks", ReceiveAsync);
        app.MapGet("/runs", (RetrainRuns runs) => Results.Json(runs.All.Select(r => r.View(withLog: false)), RunJson.Options));
        app.MapGet("/runs/{id}", (string id, RetrainRuns runs) => runs.Find(id) is { } run
            ? Results.Json(run.View(withLog: true), RunJson.Options)
            : Error(404, $"no run '{id}'"));
        app.MapPost("/runs", StartAsync);
        // The count of MLflow tracking failures since start: the retrainer has no metrics endpoint, so it is shown here.
        app.MapGet("/healthz", (Mlflow.MlflowRunTracker mlflow) => Results.Json(new { status = "ok", mlflowTrackingFailures = mlflow.Failures }));
    }

    // The event is handled under the host's lifetime, not the request's: a sender that gives up before the answer
    // (its attempt timeout) must not cut the handling short, or its redelivery would find the work half done.
    private static async Task<IResult> ReceiveAsync(HttpContext context, WebhookReceiver receiver, IHostApplicationLifetime lifetime)
    {
        var request = context.Request;
        if (request.ContentLength > MaxWebhookBytes)
        {
            return Error(413, $"a webhook body is at most {MaxWebhookBytes} bytes");
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, context.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxWebhookBytes)
            {
                return Error(413, $"a webhook body is at most {MaxWebhookBytes} bytes");
            }

            buffer.Write(chunk, 0, read);
        }

        var answer = await receiver.ReceiveAsync(
            request.Headers[WebhookHeaders.IdHeader].ToString(),
            request.Headers[WebhookHeaders.TimestampHeader].ToString(),
            request.Headers[WebhookHeaders.SignatureHeader].ToString(),
            buffer.GetBuffer().AsMemory(0, (int)buffer.Length),
            lifetime.ApplicationStopping).ConfigureAwait(false);
        return Results.Json(answer.Body, RunJson.Options, statusCode: answer.Status);
    }

    // By hand: {"model": "..."}; the window is the config's look-back before now.
    private static async Task<IResult> StartAsync(HttpContext context, RetrainRuns runs, TimeProvider time)
    {
        string? model;
        try
        {
            var body = await StrictJson.ParseAsync(context.Request.Body, context.RequestAborted).ConfigureAwait(false);
            model = body is JsonObject o && o["model"] is JsonValue value && value.TryGetValue<string>(out var name) ? name : null;
        }
        catch (JsonException ex)
        {
            return Error(400, $"expected {{\"model\": \"<name>\"}}: {ex.Message}");
        }

        if (string.IsNullOrEmpty(model))
        {
            return Error(400, "expected {\"model\": \"<name>\"}");
        }

        var now = time.GetUtcNow();
        var trigger = new RetrainTrigger(model, null, RetrainTrigger.Manual, now, null, null, new JsonObject { ["type"] = RetrainTrigger.Manual, ["data"] = new JsonObject { ["model"] = model } }.ToJsonString());
        var (outcome, run) = runs.Trigger(trigger);
        return outcome switch
        {
            RetrainRuns.Outcome.NoJob => Error(404, $"no retraining job for model '{model}'"),
            RetrainRuns.Outcome.Coalesced => Results.Json(run!.View(withLog: false), RunJson.Options, statusCode: 409),
            _ => Results.Json(run!.View(withLog: false), RunJson.Options, statusCode: 202),
        };
    }

    private static IResult Error(int status, string message) => Results.Json(new { error = message }, RunJson.Options, statusCode: status);
}
