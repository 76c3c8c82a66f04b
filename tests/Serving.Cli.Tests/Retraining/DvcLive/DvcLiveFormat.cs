using System.Text.Json;
using System.Text.Json.Nodes;
using Serving.Cli.Retraining.DvcLive;
using YamlDotNet.RepresentationModel;

namespace Serving.Cli.Tests.Retraining.DvcLive;

/// <summary>
/// Reads a DVCLive folder and checks what DVCLive 3.x documents and writes: <c>metrics.json</c> a JSON object indented
/// by four spaces; each <c>plots/metrics/&lt;name&gt;.tsv</c> headed <c>step</c> TAB the metric's full name, LF line
/// ends, whole steps and numbers; <c>dvc.yaml</c> declaring <c>params.yaml</c>, <c>metrics.json</c> and
/// <c>plots/metrics</c> with <c>x: step</c>, relative to itself.
/// </summary>
internal static class DvcLiveFormat
{
    public static JsonObject Metrics(string directory)
    {
        var text = File.ReadAllText(Path.Combine(directory, "metrics.json"));
        Assert.StartsWith("{\n    \"", text.Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);
        return Assert.IsType<JsonObject>(JsonNode.Parse(text));
    }

    public static double Number(JsonNode? node) => Assert.IsAssignableFrom<JsonValue>(node).GetValue<double>();

    /// <summary>The rows of a metric's TSV, after checking its header and line format.</summary>
    public static IReadOnlyList<(long Step, double Value)> Tsv(string directory, string metric)
    {
        var path = Path.Combine(directory, "plots", "metrics", Path.Combine(metric.Split('/')) + ".tsv");
        Assert.True(File.Exists(path), $"{path} is missing");
        var text = File.ReadAllText(path);
        Assert.DoesNotContain('\r', text);
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        var lines = text[..^1].Split('\n');
        Assert.Equal($"step\t{metric}", lines[0]);
        return [.. lines.Skip(1).Select(line =>
        {
            var cells = line.Split('\t');
            Assert.Equal(2, cells.Length);
            return (long.Parse(cells[0], System.Globalization.CultureInfo.InvariantCulture), double.Parse(cells[1], System.Globalization.CultureInfo.InvariantCulture));
        })];
    }

    public static YamlMappingNode Yaml(string path)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(path)));
        return Assert.IsType<YamlMappingNode>(Assert.Single(stream.Documents).RootNode);
    }

    public static string Scalar(YamlMappingNode mapping, params string[] keys)
    {
        YamlNode node = mapping;
        foreach (var key in keys)
        {
            var current = Assert.IsType<YamlMappingNode>(node);
            Assert.True(current.Children.ContainsKey(new YamlScalarNode(key)), $"'{key}' missing in {string.Join('.', keys)}");
            node = current.Children[new YamlScalarNode(key)];
        }

        return Assert.IsType<YamlScalarNode>(node).Value!;
    }

    /// <summary>Checks dvc.yaml declares the three entries as DVCLive does, each resolving from dvc.yaml's folder.</summary>
    public static YamlMappingNode DvcYaml(string directory)
    {
        var yaml = Yaml(Path.Combine(directory, "dvc.yaml"));
        Assert.Equal("params.yaml", Assert.IsType<YamlScalarNode>(Assert.Single(Assert.IsType<YamlSequenceNode>(yaml.Children[new YamlScalarNode("params")]).Children)).Value);
        Assert.Equal("metrics.json", Assert.IsType<YamlScalarNode>(Assert.Single(Assert.IsType<YamlSequenceNode>(yaml.Children[new YamlScalarNode("metrics")]).Children)).Value);
        var plots = Assert.IsType<YamlSequenceNode>(yaml.Children[new YamlScalarNode("plots")]);
        var metricsPlot = plots.Children.OfType<YamlMappingNode>().Single(p => p.Children.ContainsKey(new YamlScalarNode("plots/metrics")));
        Assert.Equal("step", Scalar(metricsPlot, "plots/metrics", "x"));
        Assert.True(File.Exists(Path.Combine(directory, "params.yaml")));
        Assert.True(File.Exists(Path.Combine(directory, "metrics.json")));
        Assert.True(Directory.Exists(Path.Combine(directory, "plots", "metrics")));
        return yaml;
    }

    public static string Json(JsonNode node) => node.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
}
