using System.Text;
using System.Text.Json;
using Serving.Core.Inference.Mlflow;

namespace Serving.Gateway.Rest.Mlflow;

/// <summary>
/// Reads one cell as a typed value. Missing values (JSON null, an absent record key, an empty CSV field, the
/// spellings pandas reads as NaN) become NaN for floating-point inputs, as pandas makes them; the data plane
/// decides whether the model accepts non-finite values.
/// </summary>
internal static class MlflowCellReader
{
    public static bool TryReadSingle(in MlflowCell cell, out float value)
    {
        if (cell.Text is { } text)
        {
            return MlflowTextValues.TryReadSingle(text, out value);
        }

        var json = cell.Json;
        switch (json.ValueKind)
        {
            case JsonValueKind.Number:
                return json.TryGetSingle(out value);
            case JsonValueKind.String when TryReadNonFiniteString(json, out var special):
                value = (float)special;
                return true;
            case JsonValueKind.Null or JsonValueKind.Undefined:
                value = float.NaN;
                return true;
            default:
                value = 0;
                return false;
        }
    }

    public static bool TryReadDouble(in MlflowCell cell, out double value)
    {
        if (cell.Text is { } text)
        {
            return MlflowTextValues.TryReadDouble(text, out value);
        }

        var json = cell.Json;
        switch (json.ValueKind)
        {
            case JsonValueKind.Number:
                return json.TryGetDouble(out value);
            case JsonValueKind.String:
                return TryReadNonFiniteString(json, out value);
            case JsonValueKind.Null or JsonValueKind.Undefined:
                value = double.NaN;
                return true;
            default:
                value = 0;
                return false;
        }
    }

    /// <summary>An integer; a JSON number with a zero fraction (<c>3.0</c>) counts, since many writers emit those.</summary>
    public static bool TryReadInt64(in MlflowCell cell, out long value)
    {
        if (cell.Text is { } text)
        {
            return MlflowTextValues.TryReadInt64(text, out value);
        }

        var json = cell.Json;
        if (json.ValueKind == JsonValueKind.Number)
        {
            return json.TryGetInt64(out value) || (json.TryGetDouble(out var real) && MlflowTextValues.TryIntegral(real, out value));
        }

        value = 0;
        return false;
    }

    public static bool TryReadUInt64(in MlflowCell cell, out ulong value)
    {
        if (cell.Text is { } text)
        {
            return MlflowTextValues.TryReadUInt64(text, out value);
        }

        if (cell.Json.ValueKind == JsonValueKind.Number && cell.Json.TryGetUInt64(out value))
        {
            return true;
        }

        if (TryReadInt64(cell, out var signed) && signed >= 0)
        {
            value = (ulong)signed;
            return true;
        }

        value = 0;
        return false;
    }

    public static bool TryReadBoolean(in MlflowCell cell, out bool value)
    {
        if (cell.Text is { } text)
        {
            return MlflowTextValues.TryReadBoolean(text, out value);
        }

        value = cell.Json.ValueKind == JsonValueKind.True;
        return value || cell.Json.ValueKind == JsonValueKind.False;
    }

    /// <summary>UTF-8 bytes of a string value; JSON numbers are not strings, as in MLflow's string columns.</summary>
    public static bool TryReadUtf8(in MlflowCell cell, out byte[] value)
    {
        if (cell.Text is { } text)
        {
            value = Encoding.UTF8.GetBytes(text);
            return true;
        }

        if (cell.Json.ValueKind == JsonValueKind.String)
        {
            value = Encoding.UTF8.GetBytes(cell.Json.GetString()!);
            return true;
        }

        value = [];
        return false;
    }

    /// <summary>A JSON string standing for NaN or an infinity (<c>"NaN"</c>, <c>"-Infinity"</c>); an empty string is not one.</summary>
    private static bool TryReadNonFiniteString(JsonElement json, out double value)
    {
        var text = json.GetString()!;
        value = 0;
        return text.Length > 0 && MlflowTextValues.TryReadMissingOrInfinity(text, out value);
    }
}
