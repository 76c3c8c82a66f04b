using System.Text.Json;
using Serving.Core.Health;

namespace Serving.Gateway.Rest.Oip;

/// <summary>
/// The body of <c>/v2/health/ready</c>: OIP's <c>{"ready": bool}</c> (clients only read the status code) and the
/// details it was made of, so an operator sees why a server is not ready.
/// </summary>
internal static class ReadinessJsonWriter
{
    public static void Write(Utf8JsonWriter writer, ReadinessReport report)
    {
        writer.WriteStartObject();
        writer.WriteBoolean("ready", report.Ready);
        writer.WriteStartArray("details");
        foreach (var detail in report.Details)
        {
            writer.WriteStartObject();
            writer.WriteString("name", detail.Name);
            writer.WriteBoolean("ready", detail.Ready);
            writer.WriteBoolean("required", detail.Required);
            if (detail.Reason is { } reason)
            {
                writer.WriteString("reason", reason);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
