using System.Globalization;
using System.Text;
using System.Text.Json;
using YamlDotNet.Serialization;

namespace Serving.Cli.Retraining.DvcLive;

/// <summary>
/// What one run logs, written in DVCLive 3.x's layout so <c>dvc metrics show</c>, <c>dvc plots show</c> and DVC's VS
/// Code extension read it: each metric's history as <c>plots/metrics/&lt;name&gt;.tsv</c> (header <c>step</c> and the
/// metric's name, tab-separated, one row per logged value), its last value in the nested <c>metrics.json</c> (plus
/// <c>step</c> when steps were logged), the parameters as <c>params.yaml</c>, and <c>dvc.yaml</c> declaring them with
/// paths relative to itself. Values that are not finite are left out: DVCLive would write <c>NaN</c>, which is not JSON.
/// </summary>
public sealed class DvcLiveLog
{
    private readonly Dictionary<string, List<(long Step, double Value)>> _series = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private readonly Dictionary<string, object?> _params = new(StringComparer.Ordinal);
    private long? _lastStep;

    /// <summary>Metric names in the order first logged.</summary>
    public IReadOnlyList<string> Metrics => _order;

    /// <summary>The parameters, as <c>params.yaml</c> holds them.</summary>
    public IReadOnlyDictionary<string, object?> Params => _params;

    public void Param(string name, object? value) => _params[name] = value;

    /// <summary>
    /// One value of a metric at a step (DVCLive's <c>log_metric</c> at <c>live.step</c>); with no step, at the last step
    /// logged (0 when none), and <c>metrics.json</c> gets no <c>step</c> unless some value named one.
    /// </summary>
    public void Metric(string name, double value, long? step = null)
    {
        if (!double.IsFinite(value))
        {
            return;
        }

        if (step is { } s)
        {
            _lastStep = Math.Max(_lastStep ?? s, s);
        }

        if (!_series.TryGetValue(name, out var values))
        {
            _series[name] = values = [];
            _order.Add(name);
        }

        values.Add((step ?? _lastStep ?? 0, value));
    }

    /// <summary>Writes the files into <paramref name="directory"/> (created); returns the TSV paths, relative to it.</summary>
    public IReadOnlyList<string> Write(string directory)
    {
        Directory.CreateDirectory(directory);
        var tsvs = new List<string>();
        foreach (var name in _order)
        {
            var relative = DvcLiveLayout.MetricTsv(name);
            var path = Path.Combine(directory, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, Tsv(name, _series[name]));
            tsvs.Add(relative);
        }

        File.WriteAllText(Path.Combine(directory, DvcLiveLayout.MetricsFile), SummaryJson());
        File.WriteAllText(Path.Combine(directory, DvcLiveLayout.ParamsFile), Yaml(_params));
        File.WriteAllText(Path.Combine(directory, DvcLiveLayout.DvcYamlFile), Yaml(DvcYaml(includePlots: _order.Count > 0)));
        return tsvs;
    }

    /// <summary>
    /// The number as Python's <c>str(float)</c> and <c>json.dumps</c> write it: shortest round-trip digits, and a
    /// whole number keeps its <c>.0</c>, so a file reads as DVCLive's own would.
    /// </summary>
    public static string Number(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains('.', StringComparison.Ordinal) || text.Contains('E', StringComparison.Ordinal) ? text : text + ".0";
    }

    /// <summary>The <c>dvc.yaml</c> DVCLive writes next to its files: params, metrics and the metric plots with <c>step</c> on x.</summary>
    public static Dictionary<string, object> DvcYaml(bool includePlots)
    {
        var dvcYaml = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["params"] = new List<object> { DvcLiveLayout.ParamsFile },
            ["metrics"] = new List<object> { DvcLiveLayout.MetricsFile },
        };
        if (includePlots)
        {
            dvcYaml["plots"] = new List<object> { PlotsEntry() };
        }

        return dvcYaml;
    }

    /// <summary><c>plots/metrics: {x: step}</c>, as DVCLive declares its metric histories.</summary>
    public static Dictionary<string, object> PlotsEntry() =>
        new(StringComparer.Ordinal) { [DvcLiveLayout.PlotsMetrics] = new Dictionary<string, object>(StringComparer.Ordinal) { ["x"] = "step" } };

    public static string Yaml(object value) => new SerializerBuilder().Build().Serialize(value);

    private static string Tsv(string name, List<(long Step, double Value)> values)
    {
        var text = new StringBuilder();
        text.Append("step\t").Append(name).Append('\n');
        foreach (var (step, value) in values)
        {
            text.Append(step.ToString(CultureInfo.InvariantCulture)).Append('\t').Append(Number(value)).Append('\n');
        }

        return text.ToString();
    }

    // Nested by the name's '/' parts as DVCLive's summary is, the last value of each metric, then "step"; indented by
    // four spaces as DVCLive's json.dump(indent=4).
    private string SummaryJson()
    {
        var root = new Node();
        foreach (var name in _order)
        {
            var parts = name.Split('/');
            var node = root;
            foreach (var part in parts[..^1])
            {
                node = node.Child(part);
            }

            node.Set(parts[^1], _series[name][^1].Value);
        }

        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, IndentSize = 4 }))
        {
            root.Write(writer, _lastStep);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private sealed class Node
    {
        private readonly List<(string Key, object Value)> _entries = [];

        public Node Child(string key)
        {
            var index = _entries.FindIndex(e => e.Key == key);
            if (index >= 0 && _entries[index].Value is Node existing)
            {
                return existing;
            }

            var child = new Node();
            if (index >= 0)
            {
                _entries[index] = (key, child);
            }
            else
            {
                _entries.Add((key, child));
            }

            return child;
        }

        public void Set(string key, double value)
        {
            var index = _entries.FindIndex(e => e.Key == key);
            if (index >= 0)
            {
                _entries[index] = (key, value);
            }
            else
            {
                _entries.Add((key, value));
            }
        }

        public void Write(Utf8JsonWriter writer, long? step)
        {
            writer.WriteStartObject();
            foreach (var (key, value) in _entries)
            {
                writer.WritePropertyName(key);
                if (value is Node node)
                {
                    node.Write(writer, step: null);
                }
                else
                {
                    writer.WriteRawValue(Number((double)value));
                }
            }

            if (step is { } s)
            {
                writer.WriteNumber("step", s);
            }

            writer.WriteEndObject();
        }
    }
}
