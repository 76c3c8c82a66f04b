using System.Globalization;
using System.Text.Json;
using Serving.Core.Monitoring.Performance;

namespace Serving.Gateway.Rest.Monitoring;

/// <summary>
/// The performance report as JSON: <c>{"model", "versions": [{"version", "task", "window": {"start", "end", "rows"},
/// "labels", "labelCoverage", "metrics": {...}, "current": {...}}]}</c>. Undefined metrics are null (never NaN).
/// </summary>
internal static class PerformanceReportWriter
{
    public static void Write(Utf8JsonWriter writer, PerformanceReport report)
    {
        writer.WriteStartObject();
        writer.WriteString("model", report.Model);
        writer.WriteStartArray("versions");
        foreach (var version in report.Versions)
        {
            writer.WriteStartObject();
            writer.WriteString("version", version.Version.ToString(CultureInfo.InvariantCulture));
            writer.WriteString("task", version.Task);
            if (version.Window is { } window)
            {
                WriteBounds(writer, "window", window);
                WriteFigures(writer, window);
            }
            else
            {
                writer.WriteNull("window");
                writer.WriteNumber("labels", 0);
                writer.WriteNull("labelCoverage");
                writer.WriteStartObject("metrics");
                writer.WriteEndObject();
            }

            if (version.Current is { } current)
            {
                writer.WriteStartObject("current");
                writer.WriteString("start", current.Start);
                writer.WriteString("end", current.End);
                writer.WriteNumber("rows", current.Rows);
                WriteFigures(writer, current);
                writer.WriteEndObject();
            }
            else
            {
                writer.WriteNull("current");
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteBounds(Utf8JsonWriter writer, string name, WindowSummary window)
    {
        writer.WriteStartObject(name);
        writer.WriteString("start", window.Start);
        writer.WriteString("end", window.End);
        writer.WriteNumber("rows", window.Rows);
        writer.WriteEndObject();
    }

    private static void WriteFigures(Utf8JsonWriter writer, WindowSummary window)
    {
        writer.WriteNumber("labels", window.Labels);
        writer.WriteNumber("labelCoverage", window.LabelCoverage);
        writer.WriteStartObject("metrics");
        foreach (var metric in window.Metrics)
        {
            if (metric.Value is { } value && double.IsFinite(value))
            {
                writer.WriteNumber(metric.Name, value);
            }
            else
            {
                writer.WriteNull(metric.Name);
            }
        }

        writer.WriteEndObject();
    }
}
