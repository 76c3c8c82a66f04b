using System.Text.Json;

namespace Serving.Gateway.Rest.Mlflow;

/// <summary>Writes MLflow's error body, <c>{"error_code": "...", "message": "..."}</c>.</summary>
public static class MlflowErrorWriter
{
    public static void Write(Utf8JsonWriter writer, string errorCode, string message)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString("error_code"u8, errorCode);
        writer.WriteString("message"u8, message);
        writer.WriteEndObject();
    }
}
