using System.Buffers;
using System.Text.Json;
using Serving.Core.Inference.Mlflow;

namespace Serving.Gateway.Rest.Mlflow;

/// <summary>
/// The four layouts of MLflow's data value, each read at the reader into <see cref="MlflowInputBuffers"/>:
/// <c>dataframe_split</c> (columns, data, index), records (one object per row), rows of values matched by position
/// (nested lists flattened in row-major order), and a dict of columns or of tensors by input name. Columns are
/// matched to the model's features by name; columns the model does not use are skipped.
/// </summary>
internal static class MlflowJsonLayouts
{
    public static void ReadSplit(ref Utf8JsonReader reader, MlflowInputBuffers buffers)
    {
        // pandas writes columns, then data: the rows are read as they come, once (reading a token costs more than
        // the number in it). A refusal or any other order of keys (data first, a key given twice: the last counts)
        // is read again in MLflow's order, whatever the body's: data must be a list, then columns, then rows.
        var start = reader;
        try
        {
            if (ReadSplit(ref reader, buffers, streaming: true))
            {
                return;
            }
        }
        catch (Exception e) when (e is MlflowRequestException or InvalidOperationException)
        {
        }

        buffers.Clear();
        reader = start;
        ReadSplit(ref reader, buffers, streaming: false);
    }

    public static void ReadRecords(ref Utf8JsonReader reader, MlflowInputBuffers buffers, string key)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw MlflowRequestException.BadRequest($"{key} must be a list of records (objects of column: value).");
        }

        var layout = buffers.Layout;
        var row = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw MlflowRequestException.BadRequest(
                    $"{key} row {row} is a JSON {MlflowJsonReader.Describe(reader.TokenType)}; every record must be an object of column: value.");
            }

            buffers.EnsureRows(row + 1);
            var expected = 0;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var feature = FeatureNamed(ref reader, layout, expected);
                reader.Read();
                Place(ref reader, buffers, row, feature);
                expected = feature + 1;
            }

            row++;
        }

        if (row == 0)
        {
            throw MlflowJsonReader.NoRows();
        }
    }

    /// <summary><c>instances</c> or <c>inputs</c>: records, rows by position, or a dict of columns or of tensors.</summary>
    public static void ReadTensorOrColumns(ref Utf8JsonReader reader, MlflowInputBuffers buffers, string key)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartArray:
                var first = reader;
                first.Read();
                if (first.TokenType == JsonTokenType.EndArray)
                {
                    throw MlflowJsonReader.NoRows();
                }

                if (first.TokenType == JsonTokenType.StartObject)
                {
                    ReadRecords(ref reader, buffers, key);
                }
                else
                {
                    ReadPositionalRows(ref reader, buffers, key);
                }

                break;
            case JsonTokenType.StartObject:
                ReadDictionary(ref reader, buffers, key);
                break;
            default:
                throw MlflowRequestException.BadRequest(
                    $"{key} must be a list of rows, a list of records, or an object of columns or of tensors by input name; got a JSON {MlflowJsonReader.Describe(reader.TokenType)}.");
        }
    }

    /// <summary>Reads a split, or returns false where streaming meets anything but columns, then data, once each.</summary>
    private static bool ReadSplit(ref Utf8JsonReader reader, MlflowInputBuffers buffers, bool streaming)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw SplitWithoutRows();
        }

        var data = reader;
        var columns = reader;
        var hasData = false;
        var hasColumns = false;
        var count = -1;
        int[]? map = null;
        try
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isData = reader.ValueTextEquals("data"u8);
                var isColumns = !isData && reader.ValueTextEquals("columns"u8);
                reader.Read();
                // Streaming takes columns, then data as a list, each once; anything else is read in order instead.
                if (streaming && (isData || isColumns) && (hasData || hasColumns != isData || (isData && reader.TokenType != JsonTokenType.StartArray)))
                {
                    return false;
                }

                if (streaming && isColumns)
                {
                    count = ReadColumns(ref reader, buffers.Layout, ref map);
                }
                else if (streaming && isData)
                {
                    ReadSplitRows(ref reader, buffers, map, count);
                }
                else
                {
                    // "index" and anything else MLflow ignores; data and columns are noted, to be read in order.
                    data = isData ? reader : data;
                    columns = isColumns ? reader : columns;
                    reader.Skip();
                }

                hasData |= isData;
                hasColumns |= isColumns;
            }

            if (streaming && !hasData)
            {
                return false;
            }

            if (!streaming)
            {
                if (!hasData || data.TokenType != JsonTokenType.StartArray)
                {
                    throw SplitWithoutRows();
                }

                count = hasColumns ? ReadColumns(ref columns, buffers.Layout, ref map) : -1;
                ReadSplitRows(ref data, buffers, map, count);
            }
        }
        finally
        {
            if (map is not null)
            {
                ArrayPool<int>.Shared.Return(map);
            }
        }

        return buffers.Rows > 0 ? true : throw MlflowJsonReader.NoRows();
    }

    /// <summary>
    /// Maps each column to its feature, -1 for a column the model does not use; returns how many columns, or -1
    /// for none given (null), when pandas numbers them 0..n-1 and only the model's own order gives them meaning.
    /// </summary>
    private static int ReadColumns(ref Utf8JsonReader reader, MlflowInputLayout layout, ref int[]? map)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return -1;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw MlflowRequestException.BadRequest("dataframe_split 'columns' must be a list of column names.");
        }

        map ??= ArrayPool<int>.Shared.Rent(Math.Max(layout.FeatureCount, 16));
        var count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (count == map.Length)
            {
                var larger = ArrayPool<int>.Shared.Rent(count * 2);
                map.AsSpan().CopyTo(larger);
                ArrayPool<int>.Shared.Return(map);
                map = larger;
            }

            map[count] = reader.TokenType != JsonTokenType.String ? -1 : FeatureNamed(ref reader, layout, count);
            reader.Skip();
            count++;
        }

        return count;
    }

    /// <summary>Rows of one value per column, through <paramref name="map"/>; with no columns given (-1), the model's features in order.</summary>
    private static void ReadSplitRows(ref Utf8JsonReader reader, MlflowInputBuffers buffers, int[]? map, int columns)
    {
        var width = columns >= 0 ? columns : buffers.Layout.FeatureCount;
        var row = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            buffers.EnsureRows(row + 1);
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                // A single column may be given as a list of values rather than a list of one-value rows.
                if (width != 1)
                {
                    throw MlflowRequestException.BadRequest($"dataframe_split row {row} is not a list; each row must list one value per column.");
                }

                Place(ref reader, buffers, row, columns >= 0 ? map![0] : 0);
            }
            else
            {
                var column = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    Place(ref reader, buffers, row, column >= width ? -1 : columns >= 0 ? map![column] : column);
                    column++;
                }

                if (column != width)
                {
                    throw MlflowRequestException.BadRequest($"dataframe_split row {row} has {column} values but there are {width} columns.");
                }
            }

            row++;
        }
    }

    /// <summary>A list of rows without names: each row gives every feature of every input, in the model's order.</summary>
    private static void ReadPositionalRows(ref Utf8JsonReader reader, MlflowInputBuffers buffers, string key)
    {
        var layout = buffers.Layout;
        var row = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            buffers.EnsureRows(row + 1);
            var written = Flatten(ref reader, buffers, row, 0, layout.FeatureCount);
            if (written != layout.FeatureCount)
            {
                throw MlflowRequestException.InvalidValue(
                    $"{key} row {row} has {written} values; the model takes {layout.FeatureCount} per row " +
                    $"({MlflowMessages.NameList(layout.FeatureNames)}).");
            }

            row++;
        }
    }

    /// <summary>An object whose keys are input names (a tensor each) or column names (a list of values each).</summary>
    private static void ReadDictionary(ref Utf8JsonReader reader, MlflowInputBuffers buffers, string key)
    {
        // MLflow checks that every entry the model uses has as many rows before it reads any value.
        var layout = buffers.Layout;
        var lengths = reader;
        var rows = CountRows(ref lengths, layout, key);
        if (rows == 0)
        {
            throw MlflowJsonReader.NoRows();
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            reader.Read();
            var input = layout.FindInput(name);
            var feature = input >= 0 ? -1 : layout.FindFeature(name);
            if (input >= 0)
            {
                FillInput(ref reader, buffers, layout.Slots[input], name, key);
            }
            else if (feature >= 0)
            {
                FillColumn(ref reader, buffers, feature);
            }
            else
            {
                // Nothing the model uses; ignored, as MLflow ignores extra columns.
                reader.Skip();
            }
        }

        // Nothing the model uses: one empty row, so the missing-inputs check names every input.
        buffers.EnsureRows(Math.Max(rows, 1));
    }

    /// <summary>The rows every entry the model uses has (-1 for none), or a refusal naming two that differ.</summary>
    private static int CountRows(ref Utf8JsonReader reader, MlflowInputLayout layout, string key)
    {
        var rows = -1;
        string? first = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            reader.Read();
            if (layout.FindInput(name) < 0 && layout.FindFeature(name) < 0)
            {
                reader.Skip();
                continue;
            }

            var length = 1;
            if (reader.TokenType == JsonTokenType.StartArray)
            {
                length = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    reader.Skip();
                    length++;
                }
            }

            if (rows < 0)
            {
                rows = length;
                first = name;
            }
            else if (length != rows)
            {
                throw MlflowRequestException.BadRequest(
                    $"{key} entries have different lengths: '{first}' has {rows} rows and '{name}' has {length}.");
            }
        }

        return rows;
    }

    /// <summary>An input's tensor: one row per element (a bare value is one row), flattened into the input's features.</summary>
    private static void FillInput(ref Utf8JsonReader reader, MlflowInputBuffers buffers, MlflowInputSlot slot, string name, string key)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            FillRow(ref reader, buffers, slot, 0, name, key);
            return;
        }

        var row = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            FillRow(ref reader, buffers, slot, row, name, key);
            row++;
        }
    }

    private static void FillRow(ref Utf8JsonReader reader, MlflowInputBuffers buffers, MlflowInputSlot slot, int row, string name, string key)
    {
        buffers.EnsureRows(row + 1);
        var written = Flatten(ref reader, buffers, row, slot.Offset, slot.Width);
        if (written != slot.Width)
        {
            throw MlflowRequestException.InvalidValue(
                $"{key} input '{name}' row {row} has {written} values; the input takes {slot.Width} per row.");
        }
    }

    /// <summary>A column: one value per row (a bare value is row 0).</summary>
    private static void FillColumn(ref Utf8JsonReader reader, MlflowInputBuffers buffers, int feature)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            buffers.EnsureRows(1);
            buffers.SetJson(0, feature, ref reader);
            return;
        }

        var row = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            buffers.EnsureRows(row + 1);
            buffers.SetJson(row, feature, ref reader);
            row++;
        }
    }

    /// <summary>
    /// Writes a row's values (nested lists flattened in row-major order) from feature <paramref name="start"/>, at
    /// most <paramref name="width"/> of them; returns how many it saw.
    /// </summary>
    private static int Flatten(ref Utf8JsonReader reader, MlflowInputBuffers buffers, int row, int start, int width)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            Place(ref reader, buffers, row, width > 0 ? start : -1);
            return 1;
        }

        var written = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            written += Flatten(ref reader, buffers, row, start + written, width - written);
        }

        return written;
    }

    /// <summary>The feature the name at the reader stands for (-1: none the model uses), most likely <paramref name="expected"/>.</summary>
    private static int FeatureNamed(ref Utf8JsonReader reader, MlflowInputLayout layout, int expected) =>
        // Callers nearly always send the columns in the model's order; try that before hashing a new string.
        expected < layout.FeatureCount && layout.FeatureIsNamed[expected] && reader.ValueTextEquals(layout.FeatureNamesUtf8[expected])
            ? expected
            : layout.FindFeature(reader.GetString()!);

    /// <summary>The value at the reader into a cell, or skipped for a column the model does not use (-1).</summary>
    private static void Place(ref Utf8JsonReader reader, MlflowInputBuffers buffers, int row, int feature)
    {
        if (feature >= 0)
        {
            buffers.SetJson(row, feature, ref reader);
        }
        else
        {
            reader.Skip();
        }
    }

    private static MlflowRequestException SplitWithoutRows() => MlflowRequestException.BadRequest(
        "dataframe_split must be an object {\"columns\": [...], \"data\": [[...], ...]} with 'data' a list of rows.");
}
