using System.Text.Json;
using System.Text.RegularExpressions;

namespace Serving.Gateway.Tests.Deploy;

/// <summary>
/// Every PromQL query of a Grafana dashboard file: panel targets (rows' nested panels too), annotation queries
/// and the template variables' <c>label_values</c> queries, with template variables replaced by concrete values
/// as Grafana would send them.
/// </summary>
internal static partial class DashboardQueries
{
    /// <summary>Grafana's own interval variables: $__rate_interval is what it picks for a 15 s scrape interval.</summary>
    private static readonly Dictionary<string, string> BuiltIn = new(StringComparer.Ordinal)
    {
        ["__rate_interval"] = "1m",
        ["__interval"] = "15s",
        ["__range"] = "1h",
    };

    public static IReadOnlyList<PromQuery> Read(string path, IReadOnlyDictionary<string, string> variables)
    {
        var file = Path.GetFileName(path);
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var root = document.RootElement;
        var queries = new List<PromQuery>();
        foreach (var panel in Panels(root))
        {
            if (!panel.TryGetProperty("targets", out var targets))
            {
                continue;
            }

            foreach (var target in targets.EnumerateArray())
            {
                var source = $"{file}: panel '{panel.GetProperty("title").GetString()}' target {target.GetProperty("refId").GetString()}";
                queries.Add(new PromQuery(source, Substitute(target.GetProperty("expr").GetString()!, variables, source)));
            }
        }

        if (root.TryGetProperty("annotations", out var annotations))
        {
            foreach (var annotation in annotations.GetProperty("list").EnumerateArray().Where(a => a.TryGetProperty("expr", out _)))
            {
                // An annotation marks the moments its condition holds; its signal is the condition as bool.
                var source = $"{file}: annotation '{annotation.GetProperty("name").GetString()}'";
                queries.Add(new PromQuery(source, PromQlSignal.ComparisonsAsBool(Substitute(annotation.GetProperty("expr").GetString()!, variables, source))));
            }
        }

        foreach (var variable in root.GetProperty("templating").GetProperty("list").EnumerateArray()
                     .Where(v => v.GetProperty("type").GetString() == "query"))
        {
            var query = variable.GetProperty("query");
            var text = query.ValueKind == JsonValueKind.Object ? query.GetProperty("query").GetString()! : query.GetString()!;
            var source = $"{file}: variable '{variable.GetProperty("name").GetString()}'";
            var labelValues = LabelValues().Match(text);
            if (!labelValues.Success)
            {
                throw new InvalidOperationException($"{source}: the check understands label_values(metric, label) only, not {text}");
            }

            // label_values(metric, label) lists the label's values on the metric's series.
            queries.Add(new PromQuery(source, $"count by ({labelValues.Groups["label"].Value}) ({labelValues.Groups["metric"].Value})"));
        }

        return queries;
    }

    /// <summary>Panels at any depth: rows may hold their panels inside them.</summary>
    public static IEnumerable<JsonElement> Panels(JsonElement container)
    {
        if (!container.TryGetProperty("panels", out var panels))
        {
            yield break;
        }

        foreach (var panel in panels.EnumerateArray())
        {
            yield return panel;
            foreach (var inner in Panels(panel))
            {
                yield return inner;
            }
        }
    }

    private static string Substitute(string expression, IReadOnlyDictionary<string, string> variables, string source) =>
        Variable().Replace(expression, match =>
        {
            var name = match.Groups["name"].Value;
            return BuiltIn.TryGetValue(name, out var value) || variables.TryGetValue(name, out value)
                ? value
                : throw new InvalidOperationException($"{source}: no value for the template variable ${name}");
        });

    [GeneratedRegex(@"\$(?:\{(?<name>\w+)(?::\w+)?\}|(?<name>\w+))")]
    private static partial Regex Variable();

    [GeneratedRegex(@"^\s*label_values\(\s*(?<metric>[^,]+?)\s*,\s*(?<label>\w+)\s*\)\s*$")]
    private static partial Regex LabelValues();
}
