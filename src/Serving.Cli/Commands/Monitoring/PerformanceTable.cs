using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Serving.Cli.Commands.Monitoring;

/// <summary>Turns the performance report JSON into a table: one column per reported (closed) window and one for the open one, one row per figure.</summary>
internal static class PerformanceTable
{
    public static IRenderable Render(JsonElement report)
    {
        var model = report.Field("model").GetString();
        var versions = report.Field("versions").EnumerateArray().ToList();
        if (versions.Count == 0)
        {
            return new Markup($"[yellow]{Markup.Escape(model ?? string.Empty)}[/]: no predictions yet\n");
        }

        // Metric columns in the order the gateway sends them, across all versions.
        var metrics = versions
            .SelectMany(v => new[] { v.Field("metrics"), v.TryGetProperty("current", out var c) && c.ValueKind == JsonValueKind.Object ? c.Field("metrics") : default })
            .Where(m => m.ValueKind == JsonValueKind.Object)
            .SelectMany(m => m.EnumerateObject().Select(p => p.Name))
            .Distinct()
            .ToList();

        // One column per window and one row per figure, so a dozen metrics fit a narrow terminal.
        var columns = new List<string[]>();
        foreach (var version in versions)
        {
            var number = version.Field("version").GetString() ?? "?";
            if (version.Field("window") is { ValueKind: JsonValueKind.Object } window)
            {
                columns.Add(Column(number, "closed", window, version, metrics));
            }

            if (version.TryGetProperty("current", out var current) && current.ValueKind == JsonValueKind.Object)
            {
                columns.Add(Column(number, "open", current, current, metrics));
            }
        }

        var table = new Table { Title = new TableTitle($"live performance of {Markup.Escape(model ?? string.Empty)}") };
        table.AddColumn(string.Empty);
        foreach (var column in columns)
        {
            table.AddColumn(new TableColumn(Markup.Escape(column[0])).RightAligned());
        }

        string[] names = ["from", "to", "rows", "labels", "coverage", .. metrics];
        for (var row = 0; row < names.Length; row++)
        {
            table.AddRow([Markup.Escape(names[row]), .. columns.Select(c => Markup.Escape(c[row + 1]))]);
        }

        return table;
    }

    private static string[] Column(string version, string kind, JsonElement bounds, JsonElement figures, List<string> metrics)
    {
        var metricValues = figures.Field("metrics");
        return
        [
            $"v{version} {kind}",
            Time(bounds.Field("start")),
            Time(bounds.Field("end")),
            bounds.Field("rows").GetInt32().ToString(CultureInfo.InvariantCulture),
            figures.Field("labels").GetInt32().ToString(CultureInfo.InvariantCulture),
            Percent(figures.Field("labelCoverage")),
            .. metrics.Select(m => metricValues.TryGetProperty(m, out var value) ? Number(value, "0.000") : "-"),
        ];
    }

    private static string Time(JsonElement value) =>
        value.TryGetDateTimeOffset(out var time) ? time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : "-";

    private static string Percent(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number ? (value.GetDouble() * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%" : "n/a";

    private static string Number(JsonElement value, string format) =>
        value.ValueKind == JsonValueKind.Number ? value.GetDouble().ToString(format, CultureInfo.InvariantCulture) : "n/a";
}
