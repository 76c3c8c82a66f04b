using System.Text.Json;
using Serving.Core.Contracts;
using Serving.Core.Inference;

namespace Serving.Gateway.Rest.Mlflow;

/// <summary>One value of the request table: a JSON element, or a CSV field's text.</summary>
internal readonly struct MlflowCell
{
    public MlflowCell(JsonElement json)
    {
        Json = json;
        Text = null;
    }

    public MlflowCell(string text)
    {
        Json = default;
        Text = text;
    }

    public JsonElement Json { get; }

    /// <summary>The CSV field; null for JSON cells.</summary>
    public string? Text { get; }

    /// <summary>False where the body gave no value at all (a record without that key).</summary>
    public bool IsPresent => Text is not null || Json.ValueKind != JsonValueKind.Undefined;

    /// <summary>The value as the caller wrote it, shortened, for error messages.</summary>
    public string Describe()
    {
        var raw = Text is not null ? $"'{Text}'" : Json.ValueKind == JsonValueKind.Undefined ? "no value" : Json.GetRawText();
        return CallerText.Cut(raw, 40);
    }
}
