using System.Text;
using System.Text.Json;
using Serving.Core.Inference.Mlflow;

namespace Serving.Gateway.Rest.Mlflow;

/// <summary>
/// What one JSON value stands for in a typed column, as MLflow reads it: null and the spellings pandas reads as
/// missing (<c>"NaN"</c>, <c>"-Infinity"</c>, ...) are NaN or an infinity for floating-point inputs, an integer may be
/// written <c>3.0</c>, and a string column takes only strings. The CSV reader's rules are
/// <see cref="MlflowTextValues"/>; both end in <see cref="MlflowInputBuffers"/>.
/// </summary>
internal static class MlflowCellValues
{
    public static bool TryReadSingle(ref Utf8JsonReader reader, out float value)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                return TryReadNumber(ref reader, out value);
            case JsonTokenType.String when TryReadNonFinite(ref reader, out var special):
                value = (float)special;
                return true;
            case JsonTokenType.Null:
                value = float.NaN;
                return true;
            default:
                value = 0;
                return false;
        }
    }

    /// <summary>
    /// A JSON number as the nearest float. Short decimals (<c>17.99</c>, <c>0.1184</c>: nearly every feature value)
    /// take <see cref="MlflowTextValues.TryReadShortDecimal(ReadOnlySpan{byte}, out float)"/>, exact and several times
    /// faster; anything else (exponents, long mantissas) the reader's own parser, to the same float.
    /// </summary>
    public static bool TryReadNumber(ref Utf8JsonReader reader, out float value) =>
        MlflowTextValues.TryReadShortDecimal(reader.ValueSpan, out value) || reader.TryGetSingle(out value);

    public static bool TryReadDouble(ref Utf8JsonReader reader, out double value)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                return reader.TryGetDouble(out value);
            case JsonTokenType.String:
                return TryReadNonFinite(ref reader, out value);
            case JsonTokenType.Null:
                value = double.NaN;
                return true;
            default:
                value = 0;
                return false;
        }
    }

    /// <summary>An integer; a number with a zero fraction (<c>3.0</c>, <c>1e2</c>) counts, since many writers emit those.</summary>
    public static bool TryReadInt64(ref Utf8JsonReader reader, out long value)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            return reader.TryGetInt64(out value) || (reader.TryGetDouble(out var real) && MlflowTextValues.TryIntegral(real, out value));
        }

        value = 0;
        return false;
    }

    public static bool TryReadUInt64(ref Utf8JsonReader reader, out ulong value)
    {
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetUInt64(out value))
        {
            return true;
        }

        if (TryReadInt64(ref reader, out var signed) && signed >= 0)
        {
            value = (ulong)signed;
            return true;
        }

        value = 0;
        return false;
    }

    public static bool TryReadBoolean(ref Utf8JsonReader reader, out bool value)
    {
        value = reader.TokenType == JsonTokenType.True;
        return value || reader.TokenType == JsonTokenType.False;
    }

    /// <summary>
    /// The UTF-8 bytes of a string; numbers are not strings, as in MLflow's string columns. Throws
    /// <see cref="InvalidOperationException"/> for text that is not valid (invalid UTF-8, a lone surrogate escape).
    /// </summary>
    public static bool TryReadUtf8(ref Utf8JsonReader reader, out byte[] value)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            value = [];
            return false;
        }

        value = Encoding.UTF8.GetBytes(reader.GetString()!);
        return true;
    }

    /// <summary>A string standing for NaN or an infinity (<c>"NaN"</c>, <c>"-Infinity"</c>); an empty string is not one.</summary>
    private static bool TryReadNonFinite(ref Utf8JsonReader reader, out double value)
    {
        var text = reader.GetString()!;
        value = 0;
        return text.Length > 0 && MlflowTextValues.TryReadMissingOrInfinity(text, out value);
    }
}
