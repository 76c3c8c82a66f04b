using System.Buffers;
using System.Text.Json;

namespace Serving.LoadTests.MinimalOnnx;

/// <summary>
/// Reads the numbers of an OIP JSON request's "data" array into the row, with one Utf8JsonReader pass and nothing
/// else: no names, shapes or datatypes checked, as a hand-written endpoint would.
/// </summary>
internal static class OipRowReader
{
    /// <summary>True when the body held exactly as many numbers as the row has room for, all finite FP32 values.</summary>
    public static bool TryRead(ReadOnlySequence<byte> body, float[] row)
    {
        var reader = new Utf8JsonReader(body);
        var count = 0;
        var inData = false;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        inData = reader.ValueTextEquals("data"u8);
                        break;
                    case JsonTokenType.Number when inData:
                        if (count == row.Length || !reader.TryGetSingle(out var value) || !float.IsFinite(value))
                        {
                            return false;
                        }

                        row[count++] = value;
                        break;
                    case JsonTokenType.EndArray:
                        inData = false;
                        break;
                }
            }
        }
        catch (JsonException)
        {
            return false;
        }

        return count == row.Length;
    }
}
