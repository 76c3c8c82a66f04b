using System.Globalization;
using Serving.Cli.Admin;
using Serving.Core.Events.Outbox;
using Spectre.Console;

namespace Serving.Cli.Commands.Admin;

/// <summary>Subscriptions and deliveries as tables for people and as TSV for scripts.</summary>
internal static class WebhooksRender
{
    private static readonly string[] SubscriptionHeader = ["id", "url", "events", "source", "created_at"];
    private static readonly string[] DeliveryHeader = ["event", "type", "subscription", "state", "attempts", "last_status", "last_error", "recorded_at", "updated_at", "reason"];

    public static string Events(IReadOnlyList<string> events) => events.Count == 0 ? "all events" : string.Join(", ", events);

    public static Table Subscriptions(IReadOnlyList<WebhookView> subscriptions)
    {
        var table = new Table().AddColumns("id", "url", "events", "source");
        foreach (var s in subscriptions)
            table.AddRow(Markup.Escape(s.Id), Markup.Escape(s.Url), Markup.Escape(Events(s.Events)), Markup.Escape(s.Source));
        return table;
    }

    public static Task SubscriptionsTsvAsync(TextWriter writer, IReadOnlyList<WebhookView> subscriptions) => TsvWriter.WriteAsync(
        writer,
        SubscriptionHeader,
        subscriptions.Select(s => (IReadOnlyList<string?>)[s.Id, s.Url, string.Join(',', s.Events), s.Source, s.CreatedAt is { } at ? Time(at) : null]));

    public static Table Deliveries(IReadOnlyList<DeliveryView> deliveries)
    {
        var table = new Table().AddColumns("event", "type", "subscription", "state", "attempts", "last", "updated");
        foreach (var d in deliveries)
        {
            table.AddRow(
                Markup.Escape(d.EventId),
                Markup.Escape(d.EventType),
                Markup.Escape(d.SubscriptionId),
                StateMarkup(d.State),
                d.Attempts.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(Last(d) ?? d.Reason ?? "-"),
                Time(d.UpdatedAt));
        }

        return table;
    }

    public static Task DeliveriesTsvAsync(TextWriter writer, IReadOnlyList<DeliveryView> deliveries) => TsvWriter.WriteAsync(
        writer,
        DeliveryHeader,
        deliveries.Select(d => (IReadOnlyList<string?>)
        [
            d.EventId, d.EventType, d.SubscriptionId, d.State, d.Attempts.ToString(CultureInfo.InvariantCulture),
            d.RecentAttempts.LastOrDefault()?.StatusCode?.ToString(CultureInfo.InvariantCulture), d.RecentAttempts.LastOrDefault()?.Error,
            Time(d.RecordedAt), Time(d.UpdatedAt), d.Reason,
        ]));

    private static string? Last(DeliveryView d) => d.RecentAttempts.LastOrDefault() is { } a ? a.StatusCode is { } code ? $"HTTP {code}" : a.Error : null;

    private static string StateMarkup(string state) => state switch
    {
        DeliveryState.Delivered => "[green]delivered[/]",
        DeliveryState.Failed => "[red]failed[/]",
        DeliveryState.Pending => "[yellow]pending[/]",
        _ => $"[grey]{Markup.Escape(state)}[/]",
    };

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
