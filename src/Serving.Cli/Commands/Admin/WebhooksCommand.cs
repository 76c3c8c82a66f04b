using System.CommandLine;
using Serving.Cli.Admin;
using Spectre.Console;

namespace Serving.Cli.Commands.Admin;

/// <summary><c>serving webhooks list|create|delete|deliveries|redeliver</c>: subscriptions and the delivery log.</summary>
internal static class WebhooksCommand
{
    public static Command Create(CliOutput output) => new("webhooks", "Webhook subscriptions, the delivery log and redelivery, through the admin API.")
    {
        List(output),
        CreateSubscription(output),
        Delete(output),
        Deliveries(output),
        Redeliver(output),
    };

    private static Command List(CliOutput output)
    {
        var options = new AdminCommandOptions();
        var command = options.AddTo(new Command("list", "List subscriptions (from configuration and the API); secrets are never shown."));
        command.SetAction((parse, cancellationToken) => options.RunAsync(output, parse, async (client, format) =>
        {
            var answer = await client.ListWebhooksAsync(cancellationToken).ConfigureAwait(false);
            await (format switch
            {
                OutputFormat.Json => output.Result.WriteLineAsync(answer.Json),
                OutputFormat.Tsv => WebhooksRender.SubscriptionsTsvAsync(output.Result, answer.Value),
                _ => Write(output, WebhooksRender.Subscriptions(answer.Value)),
            }).ConfigureAwait(false);
            return 0;
        }));
        return command;
    }

    private static Command CreateSubscription(CliOutput output)
    {
        var options = new AdminCommandOptions();
        var url = new Option<string>("--receiver") { Description = "The receiver's http(s) URL (--url is the gateway's).", Required = true };
        var secret = new Option<string?>("--secret") { Description = "A whsec_ secret to sign with; left out, the gateway generates one and shows it once." };
        var events = new Option<string[]>("--event") { Description = "An event type to send (repeat for several); none means every type.", AllowMultipleArgumentsPerToken = false };
        var command = options.AddTo(new Command("create", "Subscribe a receiver. The secret is printed once: keep it for the receiver, it is never shown again.") { url, secret, events });
        command.SetAction((parse, cancellationToken) => options.RunAsync(output, parse, async (client, format) =>
        {
            var chosen = parse.GetValue(events) ?? [];
            var answer = await client.CreateWebhookAsync(new CreateWebhookRequest(parse.GetValue(url)!, parse.GetValue(secret), chosen.Length == 0 ? null : chosen), cancellationToken).ConfigureAwait(false);
            var created = answer.Value;
            switch (format)
            {
                case OutputFormat.Json:
                    await output.Result.WriteLineAsync(answer.Json).ConfigureAwait(false);
                    break;
                case OutputFormat.Tsv:
                    await TsvWriter.WriteAsync(output.Result, ["id", "url", "events", "secret"], [[created.Id, created.Url, string.Join(',', created.Events), created.Secret]]).ConfigureAwait(false);
                    break;
                default:
                    output.Console.MarkupLineInterpolated($"subscription [bold]{created.Id}[/] → {created.Url} ({WebhooksRender.Events(created.Events)})");
                    output.Console.MarkupLineInterpolated($"secret: [bold]{created.Secret}[/]");
                    output.Note("Give the secret to the receiver now: the gateway never shows it again.");
                    break;
            }

            return 0;
        }));
        return command;
    }

    private static Command Delete(CliOutput output)
    {
        var options = new AdminCommandOptions();
        var id = new Argument<string>("id") { Description = "Subscription id (wh_…); configured ones are removed from configuration instead." };
        var command = options.AddTo(new Command("delete", "Delete a subscription created through the API; its pending deliveries are cancelled.") { id });
        command.SetAction((parse, cancellationToken) => options.RunAsync(output, parse, async (client, format) =>
        {
            var which = parse.GetValue(id)!;
            await client.DeleteWebhookAsync(which, cancellationToken).ConfigureAwait(false);
            if (format == OutputFormat.Table)
                output.Note($"deleted subscription {which}");
            else if (format == OutputFormat.Json)
                await output.Result.WriteLineAsync(System.Text.Json.JsonSerializer.Serialize(new { deleted = which })).ConfigureAwait(false);
            else
                await TsvWriter.WriteAsync(output.Result, ["deleted"], [[which]]).ConfigureAwait(false);
            return 0;
        }));
        return command;
    }

    private static Command Deliveries(CliOutput output)
    {
        var options = new AdminCommandOptions();
        var eventId = new Option<string?>("--event") { Description = "Only this event id." };
        var subscription = new Option<string?>("--subscription") { Description = "Only this subscription id." };
        var limit = new Option<int?>("--limit") { Description = "At most this many deliveries (1 to 1000; default 100), newest event first." };
        var command = options.AddTo(new Command("deliveries", "The delivery log: each event's delivery to each subscription, its state, attempts, last status or error.") { eventId, subscription, limit });
        command.SetAction((parse, cancellationToken) => options.RunAsync(output, parse, async (client, format) =>
        {
            var answer = await client.ListDeliveriesAsync(parse.GetValue(eventId), parse.GetValue(subscription), parse.GetValue(limit), cancellationToken).ConfigureAwait(false);
            await WriteDeliveriesAsync(output, format, answer).ConfigureAwait(false);
            return 0;
        }));
        return command;
    }

    private static Command Redeliver(CliOutput output)
    {
        var options = new AdminCommandOptions();
        var eventId = new Argument<string>("event") { Description = "The event id (its webhook-id)." };
        var subscription = new Option<string?>("--subscription") { Description = "Only to this subscription (which may be one added after the event)." };
        var command = options.AddTo(new Command("redeliver", "Send an event again, with a fresh retry horizon.") { eventId, subscription });
        command.SetAction((parse, cancellationToken) => options.RunAsync(output, parse, async (client, format) =>
        {
            var answer = await client.RedeliverAsync(parse.GetValue(eventId)!, parse.GetValue(subscription), cancellationToken).ConfigureAwait(false);
            await WriteDeliveriesAsync(output, format, answer).ConfigureAwait(false);
            return 0;
        }));
        return command;
    }

    private static Task WriteDeliveriesAsync(CliOutput output, OutputFormat format, AdminAnswer<IReadOnlyList<Core.Events.Outbox.DeliveryView>> answer) => format switch
    {
        OutputFormat.Json => output.Result.WriteLineAsync(answer.Json),
        OutputFormat.Tsv => WebhooksRender.DeliveriesTsvAsync(output.Result, answer.Value),
        _ => Write(output, WebhooksRender.Deliveries(answer.Value)),
    };

    private static Task Write(CliOutput output, Table table)
    {
        output.Console.Write(table);
        return Task.CompletedTask;
    }
}
