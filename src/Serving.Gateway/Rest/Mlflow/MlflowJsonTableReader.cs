using System.Text.Json;
using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Core.Inference.Mlflow;

namespace Serving.Gateway.Rest.Mlflow;

/// <summary>
/// Fills the rows x features grid from a JSON body in any of MLflow's four layouts, matching columns to the
/// model's features by name (extra columns ignored) or, for bare lists of rows, by position.
/// </summary>
internal static class MlflowJsonTableReader
{
    private const string Split = "dataframe_split";
    private const string Records = "dataframe_records";
    private const string Instances = "instances";
    private const string Inputs = "inputs";
    private const string AcceptedKeys = "dataframe_split, dataframe_records, instances, inputs";

    public static MlflowCellGrid Read(JsonElement root, MlflowInputLayout layout)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw MlflowRequestException.BadRequest(
                $"Invalid input: the JSON body must be an object with exactly one of the keys {AcceptedKeys}; got a JSON {Describe(root.ValueKind)}.");
        }

        string? key = null;
        JsonElement value = default;
        var count = 0;
        foreach (var property in root.EnumerateObject())
        {
            // Other keys ("params" above all, which MLflow 2 takes for the model's predict) are ignored, as MLflow does.
            var name = property.NameEquals(Split) ? Split
                : property.NameEquals(Records) ? Records
                : property.NameEquals(Instances) ? Instances
                : property.NameEquals(Inputs) ? Inputs
                : null;
            if (name is not null)
            {
                key = name;
                value = property.Value;
                count++;
            }
        }

        if (count != 1)
        {
            // The keys are the caller's, as many and as long as the body allows: echo a short cut of them.
            var present = CallerText.Cut(string.Join(", ", root.EnumerateObject().Select(p => $"'{p.Name}'")), 256);
            throw MlflowRequestException.BadRequest(
                $"Invalid input: the JSON body must have exactly one of the keys {AcceptedKeys}; " +
                $"it has {(present.Length == 0 ? "no keys" : present)}.");
        }

        return key switch
        {
            Split => ReadSplit(value, layout),
            Records => ReadRecords(value, layout, Records),
            _ => ReadTensorOrColumns(value, layout, key!),
        };
    }

    private static MlflowCellGrid ReadSplit(JsonElement split, MlflowInputLayout layout)
    {
        if (split.ValueKind != JsonValueKind.Object ||
            !split.TryGetProperty("data"u8, out var data) || data.ValueKind != JsonValueKind.Array)
        {
            throw MlflowRequestException.BadRequest(
                "dataframe_split must be an object {\"columns\": [...], \"data\": [[...], ...]} with 'data' a list of rows.");
        }

        var features = layout.FeatureCount;
        int[] columnToFeature;
        if (split.TryGetProperty("columns"u8, out var columns) && columns.ValueKind != JsonValueKind.Null)
        {
            if (columns.ValueKind != JsonValueKind.Array)
            {
                throw MlflowRequestException.BadRequest("dataframe_split 'columns' must be a list of column names.");
            }

            columnToFeature = new int[columns.GetArrayLength()];
            var c = 0;
            foreach (var column in columns.EnumerateArray())
            {
                columnToFeature[c] = MatchColumn(column, c, layout);
                c++;
            }
        }
        else
        {
            // pandas numbers unnamed columns 0..n-1, so only the model's own feature order can give them meaning.
            columnToFeature = new int[features];
            for (var c = 0; c < features; c++)
            {
                columnToFeature[c] = c;
            }
        }

        var grid = NewGrid(data.GetArrayLength(), layout);
        try
        {
            var row = 0;
            foreach (var values in data.EnumerateArray())
            {
                if (values.ValueKind != JsonValueKind.Array)
                {
                    // A single column may be given as a list of values rather than a list of one-value rows.
                    if (columnToFeature.Length != 1)
                    {
                        throw MlflowRequestException.BadRequest(
                            $"dataframe_split row {row} is not a list; each row must list one value per column.");
                    }

                    Place(grid, row, columnToFeature[0], values);
                    row++;
                    continue;
                }

                var length = values.GetArrayLength();
                if (length != columnToFeature.Length)
                {
                    throw MlflowRequestException.BadRequest(
                        $"dataframe_split row {row} has {length} values but there are {columnToFeature.Length} columns.");
                }

                var c = 0;
                foreach (var cell in values.EnumerateArray())
                {
                    Place(grid, row, columnToFeature[c], cell);
                    c++;
                }

                row++;
            }

            return grid;
        }
        catch
        {
            grid.Dispose();
            throw;
        }
    }

    private static MlflowCellGrid ReadRecords(JsonElement records, MlflowInputLayout layout, string key)
    {
        if (records.ValueKind != JsonValueKind.Array)
        {
            throw MlflowRequestException.BadRequest($"{key} must be a list of records (objects of column: value).");
        }

        var grid = NewGrid(records.GetArrayLength(), layout);
        try
        {
            var row = 0;
            foreach (var record in records.EnumerateArray())
            {
                if (record.ValueKind != JsonValueKind.Object)
                {
                    throw MlflowRequestException.BadRequest(
                        $"{key} row {row} is a JSON {Describe(record.ValueKind)}; every record must be an object of column: value.");
                }

                var expected = 0;
                foreach (var property in record.EnumerateObject())
                {
                    var feature = MatchName(property, expected, layout);
                    Place(grid, row, feature, property.Value);
                    expected = feature + 1;
                }

                row++;
            }

            return grid;
        }
        catch
        {
            grid.Dispose();
            throw;
        }
    }

    private static MlflowCellGrid ReadTensorOrColumns(JsonElement value, MlflowInputLayout layout, string key)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Array:
                foreach (var first in value.EnumerateArray())
                {
                    return first.ValueKind == JsonValueKind.Object
                        ? ReadRecords(value, layout, key)
                        : ReadPositionalRows(value, layout, key);
                }

                throw NoRows();
            case JsonValueKind.Object:
                return ReadDictionary(value, layout, key);
            default:
                throw MlflowRequestException.BadRequest(
                    $"{key} must be a list of rows, a list of records, or an object of columns or of tensors by input name; got a JSON {Describe(value.ValueKind)}.");
        }
    }

    /// <summary>A list of rows without names: each row gives every feature of every input, in the model's order.</summary>
    private static MlflowCellGrid ReadPositionalRows(JsonElement rows, MlflowInputLayout layout, string key)
    {
        var grid = NewGrid(rows.GetArrayLength(), layout);
        try
        {
            var row = 0;
            foreach (var values in rows.EnumerateArray())
            {
                var written = Flatten(values, grid, row, 0, layout.FeatureCount);
                if (written != layout.FeatureCount)
                {
                    throw MlflowRequestException.InvalidValue(
                        $"{key} row {row} has {written} values; the model takes {layout.FeatureCount} per row " +
                        $"({MlflowMessages.NameList(layout.FeatureNames)}).");
                }

                row++;
            }

            return grid;
        }
        catch
        {
            grid.Dispose();
            throw;
        }
    }

    /// <summary>An object whose keys are input names (a tensor each) or column names (a list of values each).</summary>
    private static MlflowCellGrid ReadDictionary(JsonElement dictionary, MlflowInputLayout layout, string key)
    {
        var rows = -1;
        string? firstName = null;
        foreach (var property in dictionary.EnumerateObject())
        {
            if (Target(property.Name, layout, out _) == MlflowDictionaryTarget.None)
            {
                continue;
            }

            var length = property.Value.ValueKind == JsonValueKind.Array ? property.Value.GetArrayLength() : 1;
            if (rows < 0)
            {
                rows = length;
                firstName = property.Name;
            }
            else if (length != rows)
            {
                throw MlflowRequestException.BadRequest(
                    $"{key} entries have different lengths: '{firstName}' has {rows} rows and '{property.Name}' has {length}.");
            }
        }

        // Nothing the model uses: one empty row, so the missing-inputs check names every input.
        var grid = NewGrid(rows < 0 ? 1 : rows, layout);
        try
        {
            foreach (var property in dictionary.EnumerateObject())
            {
                switch (Target(property.Name, layout, out var index))
                {
                    case MlflowDictionaryTarget.Input:
                        FillInput(grid, layout.Slots[index], property, key);
                        break;
                    case MlflowDictionaryTarget.Column:
                        FillColumn(grid, index, property.Value);
                        break;
                    case MlflowDictionaryTarget.None:
                    default:
                        break;
                }
            }

            return grid;
        }
        catch
        {
            grid.Dispose();
            throw;
        }
    }

    private static void FillInput(MlflowCellGrid grid, MlflowInputSlot slot, JsonProperty property, string key)
    {
        if (property.Value.ValueKind != JsonValueKind.Array)
        {
            FillRow(grid, slot, 0, property.Value, property.Name, key);
            return;
        }

        var row = 0;
        foreach (var values in property.Value.EnumerateArray())
        {
            FillRow(grid, slot, row, values, property.Name, key);
            row++;
        }
    }

    private static void FillRow(MlflowCellGrid grid, MlflowInputSlot slot, int row, JsonElement values, string name, string key)
    {
        var written = Flatten(values, grid, row, slot.Offset, slot.Width);
        if (written != slot.Width)
        {
            throw MlflowRequestException.InvalidValue(
                $"{key} input '{name}' row {row} has {written} values; the input takes {slot.Width} per row.");
        }
    }

    private static void FillColumn(MlflowCellGrid grid, int feature, JsonElement values)
    {
        if (values.ValueKind != JsonValueKind.Array)
        {
            grid[0, feature] = new MlflowCell(values);
            return;
        }

        var row = 0;
        foreach (var value in values.EnumerateArray())
        {
            grid[row, feature] = new MlflowCell(value);
            row++;
        }
    }

    private static MlflowDictionaryTarget Target(string name, MlflowInputLayout layout, out int index)
    {
        index = layout.FindInput(name);
        if (index >= 0)
        {
            return MlflowDictionaryTarget.Input;
        }

        index = layout.FindFeature(name);
        return index >= 0 ? MlflowDictionaryTarget.Column : MlflowDictionaryTarget.None;
    }

    /// <summary>Writes a row's values (nested lists flattened in row-major order) from <paramref name="start"/>; returns how many it saw.</summary>
    private static int Flatten(JsonElement values, MlflowCellGrid grid, int row, int start, int width)
    {
        if (values.ValueKind != JsonValueKind.Array)
        {
            if (width > 0)
            {
                grid[row, start] = new MlflowCell(values);
            }

            return 1;
        }

        var written = 0;
        foreach (var value in values.EnumerateArray())
        {
            written += Flatten(value, grid, row, start + written, width - written);
        }

        return written;
    }

    private static int MatchColumn(JsonElement column, int position, MlflowInputLayout layout)
    {
        if (column.ValueKind != JsonValueKind.String)
        {
            return -1;
        }

        // Callers nearly always send the columns in the model's order; try that before hashing a new string.
        if (position < layout.FeatureCount && layout.FeatureIsNamed[position] &&
            column.ValueEquals(layout.FeatureNamesUtf8[position]))
        {
            return position;
        }

        return layout.FindFeature(column.GetString()!);
    }

    private static int MatchName(JsonProperty property, int expected, MlflowInputLayout layout)
    {
        if (expected < layout.FeatureCount && layout.FeatureIsNamed[expected] &&
            property.NameEquals(layout.FeatureNamesUtf8[expected]))
        {
            return expected;
        }

        return layout.FindFeature(property.Name);
    }

    private static void Place(MlflowCellGrid grid, int row, int feature, JsonElement value)
    {
        if (feature >= 0)
        {
            grid[row, feature] = new MlflowCell(value);
        }
    }

    private static MlflowCellGrid NewGrid(int rows, MlflowInputLayout layout) =>
        rows == 0 ? throw NoRows() : new MlflowCellGrid(rows, layout.FeatureCount);

    private static MlflowRequestException NoRows() => MlflowRequestException.InvalidValue("The input has no rows.");

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "list",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        JsonValueKind.Undefined => "nothing",
        _ => kind.ToString(),
    };
}
