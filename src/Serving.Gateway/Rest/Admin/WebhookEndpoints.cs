using System.Globalization;
using System.Text.Json;
using Serving.Core.Contracts;
using Serving.Core.Events.Outbox;
using Serving.Core.Events.Webhooks;

namespace Serving.Gateway.Rest.Admin;

/// <summary>
/// Webhook subscriptions and the delivery log under <c>/admin/webhooks</c>, and <c>POST /admin/events</c>. Reads
/// need either key, changes the full key. A secret is shown once, in the answer that created it.
/// </summary>
internal static class WebhookEndpoints
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public static IEndpointRouteBuilder MapWebhookEndpoints(this IEndpointRouteBuilder app)
    {
        var read = app.MapGroup("/admin").WithTags("Webhooks").AddEndpointFilter(new AdminAuthorization(AdminScope.Read));
        read.MapGet("/webhooks", (HttpContext c) => AdminResults.Ok(Store(c).All.Select(WebhookSubscriptionView.Of).ToList()))
            .WithSummary("Every webhook subscription (configured and created here); secrets are never shown.");
        read.MapGet("/webhooks/deliveries", (Func<HttpContext, Task<IResult>>)GetDeliveriesAsync)
            .WithSummary("The delivery log, newest event first: state, attempts with status codes, errors and times (?event=, ?subscription=, ?limit=).");

        var change = app.MapGroup("/admin").WithTags("Webhooks").AddEndpointFilter(new AdminAuthorization(AdminScope.Full));
        change.MapPost("/webhooks", (Func<HttpContext, Task<IResult>>)CreateAsync)
            .WithSummary("Subscribe a receiver; a secret is generated when none is given and returned this once.");
        change.MapDelete("/webhooks/{id}", Delete)
            .WithSummary("Delete a subscription created through the API; its pending deliveries are cancelled.");
        change.MapPost("/webhooks/deliveries/{eventId}/redeliver", (Func<HttpContext, string, Task<IResult>>)RedeliverAsync)
            .WithSummary("Send an event again, to all its subscriptions or to ?subscription= (which may be one added later), with a fresh retry horizon.");
        change.MapPost("/events", (Func<HttpContext, Task<IResult>>)EventEndpoint.PublishAsync)
            .WithSummary("Publish an event from outside the gateway (the retrainer's version.published or version.failed); 202 once it is in the outbox.");
        return app;
    }

    private static WebhookSubscriptionStore Store(HttpContext context) => context.RequestServices.GetRequiredService<WebhookSubscriptionStore>();

    // The local outbox, or the one shared through Redis when replicas share state.
    private static IWebhookEventStore Outbox(HttpContext context) => context.RequestServices.GetRequiredService<IWebhookEventStore>();

    private static async Task<IResult> GetDeliveriesAsync(HttpContext context)
    {
        var query = context.Request.Query;
        var limit = DefaultLimit;
        if (query.TryGetValue("limit", out var text)
            && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            return AdminResults.Error(StatusCodes.Status400BadRequest, $"limit is '{CallerText.Cut(text)}'; use a whole number from 1 to {MaxLimit}");
        }

        var eventId = NullIfEmpty(query["event"]);
        var subscription = NullIfEmpty(query["subscription"]);
        try
        {
            return AdminResults.Ok(await Outbox(context).DeliveriesAsync(eventId, subscription, limit, context.RequestAborted).ConfigureAwait(false));
        }
        catch (IOException ex)
        {
            return AdminResults.Error(StatusCodes.Status503ServiceUnavailable, ex.Message);
        }
    }

    private static async Task<IResult> CreateAsync(HttpContext context)
    {
        var (body, refusal) = await AdminResults.ReadJsonAsync<CreateWebhookBody>(
            context, """malformed subscription (expected {"url": "https://…", "secret": "whsec_…" (optional), "events": ["drift.detected"] (optional, none = all)})""");
        if (refusal is not null)
            return refusal;

        if (body is null)
            return AdminResults.Error(StatusCodes.Status400BadRequest, "the subscription needs \"url\"");

        try
        {
            var created = Store(context).Create(body.Url, body.Secret, body.Events);
            AdminLog.WebhookActed(Logger(context), "created", created.Id, Actor(context));
            var view = new CreatedWebhookView(created.Id, created.Url.ToString(), created.Events, created.Source, created.CreatedAt, created.Secret.Text);
            return Results.Json(view, AdminResults.Json, statusCode: StatusCodes.Status201Created);
        }
        catch (WebhookSubscriptionException ex)
        {
            return AdminResults.Error(StatusCodes.Status400BadRequest, ex.Message);
        }
        catch (IOException ex)
        {
            return AdminResults.Error(StatusCodes.Status503ServiceUnavailable, $"the subscription could not be saved in the data directory: {ex.Message}");
        }
    }

    private static IResult Delete(HttpContext context, string id)
    {
        try
        {
            if (!Store(context).Delete(id))
                return AdminResults.Error(StatusCodes.Status404NotFound, $"no subscription '{CallerText.Cut(id)}'");
        }
        catch (WebhookSubscriptionException ex)
        {
            return AdminResults.Error(StatusCodes.Status409Conflict, ex.Message);
        }
        catch (IOException ex)
        {
            return AdminResults.Error(StatusCodes.Status503ServiceUnavailable, $"the change could not be saved in the data directory: {ex.Message}");
        }

        AdminLog.WebhookActed(Logger(context), "deleted", id, Actor(context));
        return Results.NoContent();
    }

    private static async Task<IResult> RedeliverAsync(HttpContext context, string eventId)
    {
        var subscription = NullIfEmpty(context.Request.Query["subscription"]);
        try
        {
            return await Outbox(context).RedeliverAsync(eventId, subscription, context.RequestAborted).ConfigureAwait(false) is { } deliveries
                ? Results.Json(deliveries, AdminResults.Json, statusCode: StatusCodes.Status202Accepted)
                : AdminResults.Error(StatusCodes.Status404NotFound, $"no event '{CallerText.Cut(eventId)}' in the outbox (unknown, or older than the delivery log keeps)");
        }
        catch (WebhookSubscriptionException)
        {
            return AdminResults.Error(StatusCodes.Status404NotFound, $"no subscription '{CallerText.Cut(subscription)}'");
        }
        catch (IOException ex)
        {
            return AdminResults.Error(StatusCodes.Status503ServiceUnavailable, $"the redelivery could not be recorded: {ex.Message}");
        }
    }

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;

    internal static string Actor(HttpContext context) => context.Items[AdminAuthorization.ActorKey] as string ?? "admin";

    internal static ILogger Logger(HttpContext context) => context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(WebhookEndpoints));
}
