using System.Text.Json;

namespace Serving.Cli.Commands.Monitoring;

/// <summary>
/// A report's required fields. <see cref="JsonElement.GetProperty(string)"/> says only "The given key was not present
/// in the dictionary" when a field is missing, which leaves the reader to guess which one of a report's many.
/// </summary>
internal static class ReportFields
{
    /// <summary>The field <paramref name="name"/>; a <see cref="KeyNotFoundException"/> naming it when it is missing.</summary>
    public static JsonElement Field(this JsonElement parent, string name)
    {
        if (parent.ValueKind != JsonValueKind.Object)
        {
            throw new KeyNotFoundException($"the field '{name}' is missing: it should be in an object, not {Kind(parent.ValueKind)}");
        }

        return parent.TryGetProperty(name, out var value) ? value : throw new KeyNotFoundException($"the field '{name}' is missing");
    }

    private static string Kind(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
