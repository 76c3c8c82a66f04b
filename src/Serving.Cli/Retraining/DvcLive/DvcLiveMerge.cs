using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;

namespace Serving.Cli.Retraining.DvcLive;

/// <summary>
/// A command job that ran DVCLive itself (<c>Live(dir=os.environ["SERVING_DVCLIVE_DIR"])</c>) leaves its own files in
/// the run's <c>dvclive</c> folder. They are kept: its TSVs stay, its <c>metrics.json</c> gets the retrainer's values
/// added (its own <c>step</c> kept), its <c>params.yaml</c> gets the retrainer's parameters it does not already hold
/// appended (its own text untouched), and its <c>dvc.yaml</c> keeps every entry and gains the three declarations.
/// </summary>
public static class DvcLiveMerge
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, IndentSize = 4 };

    /// <summary>Whether a DVCLive folder with files is already there.</summary>
    public static bool IsWritten(string directory) =>
        Directory.Exists(directory) && Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Any();

    /// <summary>Merges <paramref name="log"/> into the folder; returns every metric TSV there, relative to it.</summary>
    public static IReadOnlyList<string> Into(string directory, DvcLiveLog log, Action<string> note)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(note);
        var ours = Path.Combine(directory, $".serving-{Guid.NewGuid():N}");
        try
        {
            log.Write(ours);
            var oursPlots = Path.Combine(ours, "plots");
            foreach (var tsv in Directory.Exists(oursPlots) ? Directory.EnumerateFiles(oursPlots, "*.tsv", SearchOption.AllDirectories) : [])
            {
                var relative = Path.GetRelativePath(ours, tsv);
                var target = Path.Combine(directory, relative);
                if (File.Exists(target))
                {
                    note($"dvclive: the job's own {relative} is replaced by the retrainer's");
                }

                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(tsv, target, overwrite: true);
            }

            MergeMetrics(Path.Combine(directory, DvcLiveLayout.MetricsFile), Path.Combine(ours, DvcLiveLayout.MetricsFile));
            var skipped = MergeParams(Path.Combine(directory, DvcLiveLayout.ParamsFile), log);
            if (skipped.Count > 0)
            {
                note($"dvclive: the job's params.yaml already holds {string.Join(", ", skipped)}; its values are kept");
            }

            MergeDvcYaml(Path.Combine(directory, DvcLiveLayout.DvcYamlFile));
        }
        finally
        {
            Directory.Delete(ours, recursive: true);
        }

        var plots = Path.Combine(directory, "plots", "metrics");
        return Directory.Exists(plots)
            ? [.. Directory.EnumerateFiles(plots, "*.tsv", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(directory, f).Replace('\\', '/')).Order(StringComparer.Ordinal)]
            : [];
    }

    /// <summary>
    /// Replaces the DVCLive files in <paramref name="target"/> by the run's, as a new <c>Live()</c> there would (it
    /// removes its summary, params and metric plots first); anything else in that folder is left alone.
    /// </summary>
    public static void Replace(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in new[] { DvcLiveLayout.MetricsFile, DvcLiveLayout.ParamsFile, DvcLiveLayout.DvcYamlFile })
        {
            File.Delete(Path.Combine(target, file));
        }

        var plots = Path.Combine(target, "plots", "metrics");
        if (Directory.Exists(plots))
        {
            Directory.Delete(plots, recursive: true);
        }

        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy, overwrite: true);
        }
    }

    private static void MergeMetrics(string theirsPath, string oursPath)
    {
        var ours = (JsonObject)JsonNode.Parse(File.ReadAllText(oursPath))!;
        if (!File.Exists(theirsPath))
        {
            File.Copy(oursPath, theirsPath);
            return;
        }

        var theirs = JsonNode.Parse(File.ReadAllText(theirsPath)) as JsonObject ?? throw new JsonException($"{theirsPath} is not a JSON object");
        // Their step stays, and last, where DVCLive writes it.
        var step = theirs["step"]?.DeepClone();
        Merge(theirs, ours);
        if (step is not null)
        {
            theirs.Remove("step");
            theirs["step"] = step;
        }

        File.WriteAllText(theirsPath, theirs.ToJsonString(Indented));
    }

    private static void Merge(JsonObject into, JsonObject from)
    {
        foreach (var (key, value) in from)
        {
            if (value is JsonObject child && into[key] is JsonObject existing)
            {
                Merge(existing, child);
            }
            else
            {
                into[key] = value?.DeepClone();
            }
        }
    }

    private static List<string> MergeParams(string path, DvcLiveLog log)
    {
        var existing = new HashSet<string>(StringComparer.Ordinal);
        var text = File.Exists(path) ? File.ReadAllText(path) : string.Empty;
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        if (stream.Documents is [{ RootNode: YamlMappingNode mapping }, ..])
        {
            existing.UnionWith(mapping.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value ?? string.Empty));
        }

        var added = log.Params.Where(p => !existing.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        if (added.Count > 0)
        {
            File.WriteAllText(path, (text.Length == 0 || text.EndsWith('\n') ? text : text + "\n") + DvcLiveLog.Yaml(added));
        }

        return [.. log.Params.Keys.Where(existing.Contains)];
    }

    private static void MergeDvcYaml(string path)
    {
        var yaml = File.Exists(path)
            ? new DeserializerBuilder().Build().Deserialize<Dictionary<object, object?>>(File.ReadAllText(path)) ?? []
            : [];
        Ensure(yaml, "params", DvcLiveLayout.ParamsFile);
        Ensure(yaml, "metrics", DvcLiveLayout.MetricsFile);
        var plots = yaml.TryGetValue("plots", out var p) && p is List<object> list ? list : [];
        if (!plots.Any(e => e is string s ? s == DvcLiveLayout.PlotsMetrics : e is IDictionary<object, object> d && d.ContainsKey(DvcLiveLayout.PlotsMetrics)))
        {
            plots.Add(DvcLiveLog.PlotsEntry());
        }

        yaml["plots"] = plots;
        File.WriteAllText(path, DvcLiveLog.Yaml(yaml));
    }

    private static void Ensure(Dictionary<object, object?> yaml, string key, string file)
    {
        var list = yaml.TryGetValue(key, out var value) && value is List<object> existing ? existing : [];
        if (!list.Contains(file))
        {
            list.Add(file);
        }

        yaml[key] = list;
    }
}
