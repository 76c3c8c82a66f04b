using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Serving.Cli.Commands.Monitoring;

/// <summary>The drift report as one block per version: the window, the dataset verdict and a table of features.</summary>
internal static class DriftRender
{
    public static IRenderable Report(JsonElement report)
    {
        var blocks = new List<IRenderable> { new Markup($"[bold]{Markup.Escape(report.Field("model").GetString() ?? string.Empty)}[/] drift") };
        foreach (var version in report.Field("versions").EnumerateArray())
        {
            blocks.Add(Version(version));
        }

        return new Rows(blocks);
    }

    private static IRenderable Version(JsonElement version)
    {
        var number = Markup.Escape(version.Field("version").GetString() ?? "?");
        var lines = new List<IRenderable>();
        var current = version.TryGetProperty("current", out var c) && c.ValueKind == JsonValueKind.Object
            ? $", {c.Field("rows").GetInt64()} rows in the current window"
            : string.Empty;
        if (version.Field("window").ValueKind != JsonValueKind.Object)
        {
            var reason = version.TryGetProperty("reason", out var r) ? r.GetString() : "no window has closed yet";
            lines.Add(new Markup($"version {number}: {Markup.Escape(reason ?? string.Empty)}{Markup.Escape(current)}"));
            return new Rows(lines);
        }

        var window = version.Field("window");
        var verdict = version.Field("datasetDrift").GetBoolean() ? "[red]dataset drift[/]" : "[green]no dataset drift[/]";
        lines.Add(new Markup(
            $"version {number}: window {Markup.Escape(Time(window, "start"))} to {Markup.Escape(Time(window, "end"))}, {window.Field("rows").GetInt64()} rows; " +
            $"{verdict} ({Number(version.Field("driftedShare"), "P0")} of features drifted){Markup.Escape(current)}"));

        var table = new Table().AddColumns("feature", "method", "statistic", "p-value", "threshold", "drifted", "psi");
        foreach (var feature in version.Field("features").EnumerateArray())
        {
            AddRow(table, feature, null);
        }

        if (version.TryGetProperty("prediction", out var prediction) && prediction.ValueKind == JsonValueKind.Object)
        {
            AddRow(table, prediction, "prediction: ");
        }

        lines.Add(table);
        return new Rows(lines);
    }

    private static void AddRow(Table table, JsonElement feature, string? prefix)
    {
        table.AddRow(
            Markup.Escape(prefix + feature.Field("name").GetString()),
            Markup.Escape(feature.Field("method").GetString() ?? string.Empty),
            Number(feature.Field("statistic"), "G4"),
            feature.TryGetProperty("pValue", out var p) ? Number(p, "G3") : "-",
            Number(feature.Field("threshold"), "G3"),
            feature.Field("drifted").GetBoolean() ? "[red]yes[/]" : "[green]no[/]",
            feature.TryGetProperty("psi", out var psi) ? Number(psi, "F3") + (feature.TryGetProperty("psiDrifted", out var pd) && pd.GetBoolean() ? " [red](≥ threshold)[/]" : string.Empty) : "-");
    }

    private static string Number(JsonElement value, string format) =>
        value.ValueKind == JsonValueKind.Number ? value.GetDouble().ToString(format, CultureInfo.InvariantCulture) : "-";

    private static string Time(JsonElement window, string property) =>
        DateTimeOffset.TryParse(window.Field(property).GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)
            : window.Field(property).GetString() ?? string.Empty;
}
