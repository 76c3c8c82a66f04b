using System.Text.Json;

namespace Serving.Cli.Commands.Monitoring;

/// <summary>
/// The performance report as <c>--output tsv</c>: one row per window (each version's last closed one and the one
/// still filling), one column per figure, metrics in the order the gateway sends them.
/// </summary>
internal static class PerformanceTsv
{
    public static Task WriteAsync(TextWriter writer, JsonElement report)
    {
        var versions = report.Field("versions").EnumerateArray().ToList();
        var metrics = versions
            .SelectMany(v => new[] { v, v.TryGetProperty("current", out var c) ? c : default })
            .Where(w => w.ValueKind == JsonValueKind.Object && w.TryGetProperty("metrics", out var m) && m.ValueKind == JsonValueKind.Object)
            .SelectMany(w => w.Field("metrics").EnumerateObject().Select(p => p.Name))
            .Distinct()
            .ToList();

        var rows = new List<IReadOnlyList<string?>>();
        foreach (var version in versions)
        {
            var number = JsonCell.Of(version, "version");
            if (version.TryGetProperty("window", out var window) && window.ValueKind == JsonValueKind.Object)
            {
                rows.Add(Row(number, "closed", window, version, metrics));
            }

            if (version.TryGetProperty("current", out var current) && current.ValueKind == JsonValueKind.Object)
            {
                rows.Add(Row(number, "open", current, current, metrics));
            }
        }

        return TsvWriter.WriteAsync(writer, ["version", "window", "start", "end", "rows", "labels", "label_coverage", .. metrics], rows);
    }

    private static string?[] Row(string? version, string kind, JsonElement bounds, JsonElement figures, List<string> metrics)
    {
        var values = figures.TryGetProperty("metrics", out var m) ? m : default;
        return
        [
            version, kind, JsonCell.Of(bounds, "start"), JsonCell.Of(bounds, "end"), JsonCell.Of(bounds, "rows"),
            JsonCell.Of(figures, "labels"), JsonCell.Of(figures, "labelCoverage"), .. metrics.Select(name => JsonCell.Of(values, name)),
        ];
    }
}
