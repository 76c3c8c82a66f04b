using System.Globalization;
using System.Text.Json;

namespace Serving.Core.Monitoring.Drift;

/// <summary>
/// The drift report as JSON: <c>{"model", "versions": [{"version", "window": {"start", "end", "rows"},
/// "datasetDrift", "driftedShare", "features": [{"name", "method", "statistic", "pValue", "threshold",
/// "drifted", ...}], "prediction", "current", "episode": {"eventId", "start", "openedBy", "windows", "cleanWindows"} or null}]}</c>. Versions are text, as elsewhere in the API.
/// </summary>
public static class DriftReportJson
{
    public static void Write(Utf8JsonWriter writer, DriftReport report)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(report);
        writer.WriteStartObject();
        writer.WriteString("model", report.Model);
        writer.WriteStartArray("versions");
        foreach (var version in report.Versions)
        {
            WriteVersion(writer, report, version);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteVersion(Utf8JsonWriter writer, DriftReport report, VersionDriftReport version)
    {
        writer.WriteStartObject();
        writer.WriteString("version", version.Version.ToString(CultureInfo.InvariantCulture));
        WriteBounds(writer, "window", version.Window);
        writer.WriteBoolean("datasetDrift", version.DatasetDrift);
        writer.WriteNumber("driftedShare", version.DriftedShare);
        writer.WriteNumber("datasetDriftThreshold", version.DatasetDriftThreshold);
        writer.WriteNumber("windowsClosed", version.WindowsClosed);
        writer.WriteStartArray("features");
        foreach (var feature in version.Features)
        {
            WriteFeature(writer, feature);
        }

        writer.WriteEndArray();
        if (version.Prediction is { } prediction)
        {
            writer.WritePropertyName("prediction");
            WriteFeature(writer, prediction);
        }
        else
        {
            writer.WriteNull("prediction");
        }

        WriteBounds(writer, "current", version.Current);
        WriteEpisode(writer, report.Model, version);
        if (version.Reason is { } reason)
        {
            writer.WriteString("reason", reason);
        }

        writer.WriteEndObject();
    }

    // The episode in progress (in memory: a restart forgets it) and the id of the drift.detected it sent.
    private static void WriteEpisode(Utf8JsonWriter writer, string model, VersionDriftReport version)
    {
        if (version.Episode is not { } episode)
        {
            writer.WriteNull("episode");
            return;
        }

        writer.WriteStartObject("episode");
        writer.WriteString("eventId", DriftEvents.IdOf(model, version.Version, episode));
        writer.WriteString("start", episode.Start.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        writer.WriteString("openedBy", episode.OpenedBy);
        writer.WriteNumber("windows", episode.Windows);
        writer.WriteNumber("cleanWindows", episode.CleanWindows);
        writer.WriteEndObject();
    }

    private static void WriteFeature(Utf8JsonWriter writer, FeatureDrift feature)
    {
        writer.WriteStartObject();
        writer.WriteString("name", feature.Name);
        writer.WriteString("method", feature.Method);
        WriteNumber(writer, "statistic", feature.Statistic);
        WriteNumber(writer, "pValue", feature.PValue);
        writer.WriteNumber("threshold", feature.Threshold);
        writer.WriteBoolean("drifted", feature.Drifted);
        writer.WriteNumber("rows", feature.Rows);
        if (feature.Psi is { } psi)
        {
            WriteNumber(writer, "psi", psi);
            writer.WriteNumber("psiThreshold", feature.PsiThreshold ?? 0);
            writer.WriteBoolean("psiDrifted", feature.PsiDrifted ?? false);
        }

        if (feature.Wasserstein is { } wasserstein)
        {
            WriteNumber(writer, "wasserstein", wasserstein);
        }

        writer.WriteEndObject();
    }

    private static void WriteBounds(Utf8JsonWriter writer, string name, DriftWindowBounds? bounds)
    {
        if (bounds is null)
        {
            writer.WriteNull(name);
            return;
        }

        writer.WriteStartObject(name);
        writer.WriteString("start", bounds.Start.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        writer.WriteString("end", bounds.End.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        writer.WriteNumber("rows", bounds.Rows);
        writer.WriteEndObject();
    }

    // JSON has no infinity (a chi-square over a category the baseline never saw): written as null.
    private static void WriteNumber(Utf8JsonWriter writer, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v))
        {
            writer.WriteNumber(name, v);
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
