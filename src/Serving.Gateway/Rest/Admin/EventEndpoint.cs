using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Serving.Core.Contracts;
using Serving.Core.Events;
using Serving.Core.Events.Outbox;

namespace Serving.Gateway.Rest.Admin;

/// <summary>
/// <c>POST /admin/events</c>: how the retrainer reports what it published or refused, so its events take the
/// gateway's one outbox and one delivery path. Only the types made outside the gateway are accepted
/// (<c>version.published</c>, <c>version.failed</c>): the others report what the gateway itself saw, and a client
/// must not be able to forge them.
/// </summary>
internal static class EventEndpoint
{
    /// <summary>The types a client may publish.</summary>
    public static readonly IReadOnlyList<string> Accepted = [GatewayEventTypes.VersionPublished, GatewayEventTypes.VersionFailed];

    public const int MaxIdLength = 200;

    private const string Shape = """{"id": "...", "type": "version.published", "timestamp": "2026-01-01T00:00:00Z", "data": {"model": "...", "version": 2}}""";

    public static async Task<IResult> PublishAsync(HttpContext context)
    {
        JsonNode? root;
        try
        {
            // The event is kept as the caller wrote it and sent on as it is: a key given twice is refused rather than
            // resolved silently, and every string is checked, not only those Parse reads.
            root = await StrictJson.ParseAsync(context.Request.Body, context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            return Bad($"malformed JSON (expected {Shape}): {AdminResults.JsonProblem(ex)}");
        }
        catch (Exception ex) when (AdminResults.BodyRefused(context.Request, ex) is { } refused)
        {
            return refused;
        }

        if (Parse(root, context.RequestServices.GetRequiredService<TimeProvider>(), out var problem) is not { } gatewayEvent)
            return Bad(problem!);

        var outcome = await context.RequestServices.GetRequiredService<IWebhookEventStore>().AppendAsync(gatewayEvent, context.RequestAborted).ConfigureAwait(false);
        if (outcome == OutboxAppend.NotDurable)
        {
            return AdminResults.Error(StatusCodes.Status503ServiceUnavailable,
                "the event could not be written to the outbox in the data directory (Serving:DataPath); it is held in memory and sent while the gateway runs, but a restart would lose it");
        }

        var recorded = outcome == OutboxAppend.Recorded;
        AdminLog.EventPublished(WebhookEndpoints.Logger(context), gatewayEvent.Type, CallerText.Cut(gatewayEvent.Id), WebhookEndpoints.Actor(context), recorded);
        return Results.Json(new PublishedEventView(gatewayEvent.Id, gatewayEvent.Type, recorded), AdminResults.Json, statusCode: StatusCodes.Status202Accepted);
    }

    /// <summary>The event, or null with <paramref name="problem"/> saying what is wrong.</summary>
    internal static GatewayEvent? Parse(JsonNode? root, TimeProvider time, out string? problem)
    {
        problem = null;
        if (root is not JsonObject body)
            return Fail(out problem, $"the event is a JSON object: {Shape}");

        if (Text(body, "id") is not { } id || id.Length > MaxIdLength || id.Any(char.IsControl) || string.IsNullOrWhiteSpace(id))
            return Fail(out problem, $"\"id\" is required: a string of 1 to {MaxIdLength} characters, no control characters, stable for what happened (a repeat with the same id is ignored)");

        var type = Text(body, "type");
        if (type is null || !Accepted.Contains(type, StringComparer.Ordinal))
            return Fail(out problem, $"\"type\" is '{CallerText.Cut(type)}'; use {string.Join(" or ", Accepted)} (the other event types are the gateway's own)");

        var timestamp = time.GetUtcNow();
        if (body["timestamp"] is { } stamp)
        {
            if (stamp.GetValueKind() != JsonValueKind.String
                || !DateTimeOffset.TryParse(stamp.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out timestamp))
            {
                return Fail(out problem, "\"timestamp\" must be an ISO-8601 date and time such as 2026-01-01T00:00:00Z (or left out: now)");
            }
        }

        if (body["data"] is not JsonObject data)
            return Fail(out problem, "\"data\" is required: an object with at least \"model\"");
        if (Text(data, "model") is not { Length: > 0 })
            return Fail(out problem, "\"data.model\" is required: the model's name");
        if (data["version"] is { } version && (version.GetValueKind() != JsonValueKind.Number || !version.AsValue().TryGetValue<int>(out var number) || number < 1))
            return Fail(out problem, "\"data.version\" must be a whole number of at least 1");
        if (type == GatewayEventTypes.VersionPublished && data["version"] is null)
            return Fail(out problem, "\"data.version\" is required for version.published: the version that was published");

        return new GatewayEvent(id, type, timestamp, (JsonObject)data.DeepClone());
    }

    private static string? Text(JsonObject node, string name) =>
        node[name] is { } value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    private static GatewayEvent? Fail(out string? problem, string message)
    {
        problem = message;
        return null;
    }

    private static IResult Bad(string message) => AdminResults.Error(StatusCodes.Status400BadRequest, message);
}
