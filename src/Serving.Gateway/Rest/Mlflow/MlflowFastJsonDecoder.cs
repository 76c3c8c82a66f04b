using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;
using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Core.Inference.Mlflow;

namespace Serving.Gateway.Rest.Mlflow;

/// <summary>
/// The common case read straight off the bytes with <see cref="Utf8JsonReader"/>, without building a
/// document: one FP32 input, and a body whose data is <c>dataframe_split</c> (columns, then data) or a list of
/// numeric rows under <c>inputs</c> or <c>instances</c>, every value a plain number; other keys such as
/// <c>params</c> are skipped. Anything else, including
/// every error, returns false and goes to the general decoder, which owns all messages and edge cases.
/// </summary>
internal static class MlflowFastJsonDecoder
{
    /// <summary>Column lists longer than this go the general way rather than renting a map.</summary>
    private const int MaxColumns = 512;

    public static bool TryDecode(ReadOnlySequence<byte> body, MlflowInputLayout layout, out Tensor[] inputs)
    {
        inputs = [];
        if (!body.IsSingleSegment || layout.Slots.Count != 1 || layout.Slots[0] is not { DataType: TensorDataType.FP32, Named: true })
        {
            return false;
        }

        var values = new MlflowFloatBuffer(layout.FeatureCount * 4);
        try
        {
            var reader = new Utf8JsonReader(body.FirstSpan);
            var rows = ReadBody(ref reader, layout, ref values);
            if (rows <= 0)
            {
                return false;
            }

            var slot = layout.Slots[0];
            var data = MemoryMarshal.AsBytes(values.Written).ToArray();
            inputs = [Tensor.FromBytes(slot.Spec.Name, TensorDataType.FP32, slot.ShapeFor(rows), data)];
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
        finally
        {
            values.Dispose();
        }
    }

    /// <summary>The number of rows read into <paramref name="values"/> in feature order, or -1 to fall back.</summary>
    private static int ReadBody(ref Utf8JsonReader reader, MlflowInputLayout layout, ref MlflowFloatBuffer values)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return -1;
        }

        var rows = -1;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var split = reader.ValueTextEquals("dataframe_split"u8);
            var tensor = !split && (reader.ValueTextEquals("inputs"u8) || reader.ValueTextEquals("instances"u8));
            if (split || tensor)
            {
                // A second data key is an error the general decoder words.
                if (rows >= 0)
                {
                    return -1;
                }

                rows = split ? ReadSplit(ref reader, layout, ref values) : ReadRows(ref reader, layout.FeatureCount, null, ref values);
                if (rows <= 0)
                {
                    return -1;
                }
            }
            else if (reader.ValueTextEquals("dataframe_records"u8))
            {
                return -1;
            }
            else
            {
                // "params" and other keys MLflow ignores.
                reader.Skip();
            }
        }

        return reader.TokenType == JsonTokenType.EndObject && !reader.Read() ? rows : -1;
    }

    private static int ReadSplit(ref Utf8JsonReader reader, MlflowInputLayout layout, ref MlflowFloatBuffer values)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject ||
            !reader.Read() || reader.TokenType != JsonTokenType.PropertyName || !reader.ValueTextEquals("columns"u8) ||
            !reader.Read() || reader.TokenType != JsonTokenType.StartArray)
        {
            return -1;
        }

        var map = ArrayPool<int>.Shared.Rent(MaxColumns);
        try
        {
            var columns = ReadColumns(ref reader, layout, map);
            if (columns < 0 ||
                !reader.Read() || reader.TokenType != JsonTokenType.PropertyName || !reader.ValueTextEquals("data"u8))
            {
                return -1;
            }

            var rows = ReadRows(ref reader, layout.FeatureCount, map.AsSpan(0, columns).ToArray(), ref values);
            return rows > 0 && reader.Read() && reader.TokenType == JsonTokenType.EndObject ? rows : -1;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(map);
        }
    }

    /// <summary>Maps each column to its feature (-1 for columns the model ignores); -1 unless every feature is covered.</summary>
    private static int ReadColumns(ref Utf8JsonReader reader, MlflowInputLayout layout, int[] map)
    {
        var columns = 0;
        var covered = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.String)
        {
            if (columns == MaxColumns)
            {
                return -1;
            }

            var feature = columns < layout.FeatureCount && reader.ValueTextEquals(layout.FeatureNamesUtf8[columns])
                ? columns
                : layout.FindFeature(reader.GetString()!);
            if (feature >= 0)
            {
                // A column named twice would make "covered" lie; leave duplicates to the general decoder.
                for (var c = 0; c < columns; c++)
                {
                    if (map[c] == feature)
                    {
                        return -1;
                    }
                }

                covered++;
            }

            map[columns++] = feature;
        }

        return reader.TokenType == JsonTokenType.EndArray && covered == layout.FeatureCount ? columns : -1;
    }

    /// <summary>
    /// Reads [[v, ...], ...] into feature order: through <paramref name="map"/> (column to feature) when given,
    /// else by position. Returns the row count, or -1 on anything but plain numbers in rows of the right length.
    /// </summary>
    private static int ReadRows(ref Utf8JsonReader reader, int features, int[]? map, ref MlflowFloatBuffer values)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
        {
            return -1;
        }

        var width = map?.Length ?? features;
        var rows = 0;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                return rows;
            }

            if (reader.TokenType != JsonTokenType.StartArray)
            {
                return -1;
            }

            var row = values.AppendRow(features);
            var column = 0;
            while (reader.Read() && reader.TokenType == JsonTokenType.Number)
            {
                if (column == width || !reader.TryGetSingle(out var value))
                {
                    return -1;
                }

                var feature = map is null ? column : map[column];
                if (feature >= 0)
                {
                    row[feature] = value;
                }

                column++;
            }

            if (reader.TokenType != JsonTokenType.EndArray || column != width)
            {
                return -1;
            }

            rows++;
        }

        return -1;
    }
}
