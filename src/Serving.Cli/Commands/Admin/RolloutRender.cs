using System.Globalization;
using Serving.Core.Rollouts;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Serving.Cli.Commands.Admin;

/// <summary>A rollout for people: its steps, weight and state, the latest gate figures and recent decisions.</summary>
internal static class RolloutRender
{
    /// <summary>States after which a rollout changes no more.</summary>
    public static bool IsFinished(RolloutStatus status) => status.State is "promoted" or "rolled-back" or "aborted";

    public static IRenderable Status(RolloutStatus status)
    {
        var steps = string.Join(" → ", status.Steps.Select((weight, i) =>
            i < status.StepIndex || status.State == "promoted" ? $"[green]{weight}%[/]"
            : i == status.StepIndex && !IsFinished(status) ? $"[yellow bold]{weight}%[/]"
            : $"[grey]{weight}%[/]"));
        var header = new Markup(string.Create(CultureInfo.InvariantCulture,
            $"[bold]{Markup.Escape(status.Model)}[/]: canary {status.Canary} against stable {status.Stable} — {StateMarkup(status.State)}, weight {status.Weight}%, failures {status.Failures}/{status.FailureLimit}, {status.IntervalSeconds:0.#} s per step"));
        var rows = new List<IRenderable> { header, new Markup($"steps: {steps} → promote") };

        if (status.Decisions.LastOrDefault(d => d.Figures is not null) is { Figures: { } figures } judged)
        {
            rows.Add(new Markup(Markup.Escape($"every gate judged {Window(figures.Window)}")));
            rows.Add(Figures(figures, judged));
        }

        var decisions = new Table().Title("decisions").AddColumns("at", "weight", "outcome", "window judged", "reasons");
        foreach (var decision in status.Decisions.TakeLast(8))
        {
            decisions.AddRow(
                decision.At.ToString("HH:mm:ss", CultureInfo.InvariantCulture),
                decision.Weight.ToString(CultureInfo.InvariantCulture) + "%",
                Markup.Escape(decision.Outcome),
                Window(decision.Figures?.Window),
                Markup.Escape(string.Join("; ", decision.Reasons)));
        }

        rows.Add(decisions);
        return new Rows(rows);
    }

    private static Table Figures(RolloutFigures f, RolloutDecision decision)
    {
        var table = new Table()
            .Title(string.Create(CultureInfo.InvariantCulture, $"latest gate figures ({Markup.Escape(decision.Outcome)} at {decision.Weight}%)"))
            .AddColumns("gate", "stable", "canary");
        table.AddRow("requests", Number(f.StableRequests), Number(f.CanaryRequests));
        table.AddRow("error rate", Percent(f.StableErrorRate), Percent(f.CanaryErrorRate));
        table.AddRow("p99 latency", Millis(f.StableP99Ms), Millis(f.CanaryP99Ms));
        table.AddRow("accuracy", Optional(f.StableAccuracy), Optional(f.CanaryAccuracy));
        table.AddRow("prediction shift (PSI)", "-", Optional(f.PredictionPsi));
        table.AddRow("agreement", "-", Optional(f.Agreement));
        return table;
    }

    private static string StateMarkup(string state) => state switch
    {
        "running" or "promoted" => $"[green]{state}[/]",
        "waiting" or "paused" => $"[yellow]{state}[/]",
        _ => $"[red]{Markup.Escape(state)}[/]",
    };

    /// <summary>The interval every gate judged, [from, to) in UTC, with its length; "-" for a decision that judged nothing.</summary>
    private static string Window(RolloutWindow? window) => window is { } w
        ? string.Create(CultureInfo.InvariantCulture, $"{w.From.UtcDateTime:HH:mm:ss.fff}–{w.To.UtcDateTime:HH:mm:ss.fff} UTC ({(w.To - w.From).TotalSeconds:0.###} s)")
        : "-";

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Percent(double value) => (value * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%";

    private static string Millis(double? value) => value is { } v ? v.ToString("0.###", CultureInfo.InvariantCulture) + " ms" : "-";

    private static string Optional(double? value) => value is { } v ? v.ToString("0.####", CultureInfo.InvariantCulture) : "-";
}
