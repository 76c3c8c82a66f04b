using System.Text.Json;

namespace Serving.Cli.Commands.Monitoring;

/// <summary>A report's JSON value as a TSV cell: numbers exactly as the gateway wrote them, null or absent as missing.</summary>
internal static class JsonCell
{
    public static string? Of(JsonElement parent, string property) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(property, out var value) ? Of(value) : null;

    public static string? Of(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Object or JsonValueKind.Array => value.GetRawText(),
        _ => null,
    };
}
