using System.Text.Json;

namespace Serving.Cli.Commands.Monitoring;

/// <summary>
/// The drift report as <c>--output tsv</c>: one row per feature (and per prediction) of each version's last closed
/// window, with the window and the dataset verdict repeated on every row so each line stands alone.
/// A version with no closed window yet has no rows.
/// </summary>
internal static class DriftTsv
{
    private static readonly string[] Header =
        ["version", "window_start", "window_end", "rows", "dataset_drift", "kind", "name", "method", "statistic", "p_value", "threshold", "drifted", "psi", "psi_drifted"];

    public static Task WriteAsync(TextWriter writer, JsonElement report) => TsvWriter.WriteAsync(writer, Header, Rows(report));

    private static IEnumerable<IReadOnlyList<string?>> Rows(JsonElement report)
    {
        foreach (var version in report.Field("versions").EnumerateArray())
        {
            if (!version.TryGetProperty("window", out var window) || window.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            string?[] common = [JsonCell.Of(version, "version"), JsonCell.Of(window, "start"), JsonCell.Of(window, "end"), JsonCell.Of(window, "rows"), JsonCell.Of(version, "datasetDrift")];
            if (version.TryGetProperty("features", out var features) && features.ValueKind == JsonValueKind.Array)
            {
                foreach (var feature in features.EnumerateArray())
                {
                    yield return Row(common, "feature", feature);
                }
            }

            if (version.TryGetProperty("prediction", out var prediction) && prediction.ValueKind == JsonValueKind.Object)
            {
                yield return Row(common, "prediction", prediction);
            }
        }
    }

    private static string?[] Row(string?[] common, string kind, JsonElement feature) =>
    [
        .. common, kind, JsonCell.Of(feature, "name"), JsonCell.Of(feature, "method"), JsonCell.Of(feature, "statistic"), JsonCell.Of(feature, "pValue"),
        JsonCell.Of(feature, "threshold"), JsonCell.Of(feature, "drifted"), JsonCell.Of(feature, "psi"), JsonCell.Of(feature, "psiDrifted"),
    ];
}
