using System.Globalization;
using System.Text.Json;
using Serving.Core.Contracts;
using Serving.Core.Monitoring.Logging;

namespace Serving.Cli.Retraining;

/// <summary>
/// The labelled examples of a window: logged predictions (the gateway's JSON Lines prediction log) joined by id to
/// the labels log (<c>labels-*.jsonl</c> in the same folder). Each row of a prediction becomes one example, its
/// features read from the logged inputs through the signature of the version that served it.
/// </summary>
internal static class LoggedExamples
{
    /// <summary>What was read: the examples, and how many labelled predictions could not be used.</summary>
    public sealed record Result(IReadOnlyList<(IReadOnlyDictionary<string, double> Features, double Label)> Rows, int Labels, int Predictions, int Skipped);

    public static Result Read(string predictionsRoot, string model, DateTimeOffset from, DateTimeOffset to, Func<int, ModelManifest?> manifestOf)
    {
        var directory = Path.Combine(predictionsRoot, JsonLinesPredictionSink.SafeName(model));
        if (!Directory.Exists(directory))
        {
            return new Result([], 0, 0, 0);
        }

        var labels = ReadLabels(directory);
        var rows = new List<(IReadOnlyDictionary<string, double>, double)>();
        int predictions = 0, skipped = 0;
        foreach (var file in PredictionFiles(directory, from, to))
        {
            foreach (var line in ReadLines(file))
            {
                if (!TryRead(line, from, to, labels, manifestOf, rows, out var labelled))
                {
                    skipped += labelled ? 1 : 0;
                    continue;
                }

                predictions++;
            }
        }

        return new Result(rows, labels.Count, predictions, skipped);
    }

    // Files are named by UTC day (<day>.jsonl, <day>.<part>.jsonl): only the window's days are read.
    private static IEnumerable<string> PredictionFiles(string directory, DateTimeOffset from, DateTimeOffset to)
    {
        var first = from.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var last = to.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return Directory.GetFiles(directory, "*.jsonl")
            .Where(f => !Path.GetFileName(f).StartsWith(FeedbackLabelLog.FilePrefix, StringComparison.Ordinal))
            .Select(f => (Path: f, Day: Path.GetFileName(f).Split('.')[0]))
            .Where(f => string.CompareOrdinal(f.Day, first) >= 0 && string.CompareOrdinal(f.Day, last) <= 0)
            .OrderBy(f => f.Path, StringComparer.Ordinal)
            .Select(f => f.Path);
    }

    private static Dictionary<string, double[]> ReadLabels(string directory)
    {
        var labels = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(directory, FeedbackLabelLog.FilePrefix + "*.jsonl").Order(StringComparer.Ordinal))
        {
            foreach (var line in ReadLines(file))
            {
                try
                {
                    using var document = JsonDocument.Parse(line);
                    var root = document.RootElement;
                    if (root.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String
                        && root.TryGetProperty("labels", out var values) && values.ValueKind == JsonValueKind.Array)
                    {
                        // A later label for the same prediction corrects the earlier one.
                        labels[id.GetString()!] = [.. values.EnumerateArray().Select(v => v.TryGetDouble(out var d) ? d : double.NaN)];
                    }
                }
                catch (JsonException)
                {
                    // A torn last line (the gateway was writing) or a stray one: not a label.
                }
            }
        }

        return labels;
    }

    private static bool TryRead(
        string line,
        DateTimeOffset from,
        DateTimeOffset to,
        Dictionary<string, double[]> labels,
        Func<int, ModelManifest?> manifestOf,
        List<(IReadOnlyDictionary<string, double>, double)> rows,
        out bool labelled)
    {
        labelled = false;
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (!root.TryGetProperty("id", out var idElement) || idElement.GetString() is not { } id || !labels.TryGetValue(id, out var rowLabels))
            {
                return false;
            }

            // Outside the window it is simply not this run's; inside it, a labelled prediction that cannot be used is counted.
            if (!root.TryGetProperty("timestamp", out var timestamp) || timestamp.GetDateTimeOffset() is var at && (at < from || at > to))
            {
                return false;
            }

            labelled = true;
            if (root.TryGetProperty("error", out _)
                || !root.TryGetProperty("version", out var versionElement) || manifestOf(versionElement.GetInt32()) is not { } manifest
                || !root.TryGetProperty("inputs", out var inputs))
            {
                return false;
            }

            var features = new List<Dictionary<string, double>>();
            foreach (var spec in manifest.Signature.Inputs)
            {
                if (!inputs.TryGetProperty(spec.Name, out var tensor) || !tensor.TryGetProperty("data", out var data) || !tensor.TryGetProperty("shape", out var shape))
                {
                    return false;
                }

                var values = data.EnumerateArray().Select(v => v.TryGetDouble(out var d) ? d : double.NaN).ToArray();
                var count = shape.GetArrayLength() == 0 ? 1 : shape[0].GetInt32();
                if (count != rowLabels.Length || count == 0 || values.Length % count != 0)
                {
                    return false;
                }

                var names = spec.Features ?? [spec.Name];
                var width = values.Length / count;
                if (width != names.Count)
                {
                    return false;
                }

                for (var r = 0; r < count; r++)
                {
                    if (features.Count <= r)
                    {
                        features.Add(new Dictionary<string, double>(StringComparer.Ordinal));
                    }

                    for (var j = 0; j < width; j++)
                    {
                        features[r][names[j]] = values[(r * width) + j];
                    }
                }
            }

            for (var r = 0; r < features.Count; r++)
            {
                rows.Add((features[r], rowLabels[r]));
            }

            return features.Count > 0;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            return false;
        }
    }

    // Only whole lines: the gateway may be appending to the last one.
    private static IEnumerable<string> ReadLines(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        var text = reader.ReadToEnd();
        var complete = text.LastIndexOf('\n') + 1;
        return text[..complete].Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
