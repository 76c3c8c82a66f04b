using System.Globalization;
using System.Text;

namespace Serving.Core.Packaging;

/// <summary>A headered CSV of numeric columns, held column by column; empty or non-numeric cells are NaN (missing).</summary>
public sealed class CsvDataSet
{
    private readonly double[][] _columns;

    private CsvDataSet(string path, IReadOnlyList<string> columnNames, double[][] columns, int rows)
    {
        Path = path;
        ColumnNames = columnNames;
        _columns = columns;
        Rows = rows;
    }

    /// <summary>The file the data came from.</summary>
    public string Path { get; }

    /// <summary>Column names as the header spells them, in file order.</summary>
    public IReadOnlyList<string> ColumnNames { get; }

    public int Rows { get; }

    /// <summary>Reads a comma-separated file whose first line names the columns (RFC 4180 quoting).</summary>
    public static CsvDataSet Load(string path)
    {
        using var reader = Open(path);
        var header = ReadRecord(reader) ?? throw new PackagingException($"'{path}' is empty; expected a header line");
        var duplicate = header.GroupBy(name => name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new PackagingException($"'{path}' names the column '{duplicate.Key}' twice");
        }

        var values = header.Select(_ => new List<double>()).ToArray();
        var line = 1;
        while (ReadRecord(reader) is { } record)
        {
            line++;
            // A blank line is skipped, except in a one-column file, where it is a missing value.
            if (record.Count == 1 && record[0].Length == 0 && header.Count > 1)
            {
                continue;
            }

            if (record.Count != header.Count)
            {
                throw new PackagingException($"'{path}' line {line} has {record.Count} cells; the header has {header.Count}");
            }

            for (var i = 0; i < record.Count; i++)
            {
                values[i].Add(ParseCell(record[i]));
            }
        }

        return new CsvDataSet(path, header, values.Select(v => v.ToArray()).ToArray(), values[0].Count);
    }

    /// <summary>The header's column names, without reading the rows (to choose a label before loading).</summary>
    public static IReadOnlyList<string> ReadColumnNames(string path)
    {
        using var reader = Open(path);
        return ReadRecord(reader) ?? throw new PackagingException($"'{path}' is empty; expected a header line");
    }

    /// <summary>A reader of the CSV file; a folder is refused as one (opening it would say "access denied").</summary>
    private static StreamReader Open(string path) => Directory.Exists(path)
        ? throw new PackagingException($"'{path}' is a folder; expected a CSV file")
        : new StreamReader(path, Encoding.UTF8);

    /// <summary>Index of a column, or -1.</summary>
    public int IndexOf(string columnName) => ColumnNames.ToList().IndexOf(columnName);

    /// <summary>The values of one column (do not modify).</summary>
    public IReadOnlyList<double> Column(int index) => _columns[index];

    /// <summary>The values of a column by name; throws a message naming the columns when it is absent.</summary>
    public IReadOnlyList<double> Column(string columnName)
    {
        var index = IndexOf(columnName);
        return index >= 0
            ? _columns[index]
            : throw new PackagingException($"'{Path}' has no column '{columnName}'; its columns are: {string.Join(", ", ColumnNames)}");
    }

    private static double ParseCell(string cell)
    {
        var text = cell.Trim();
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : double.NaN;
    }

    private static List<string>? ReadRecord(TextReader reader)
    {
        var first = reader.Peek();
        if (first < 0)
        {
            return null;
        }

        var cells = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        while (true)
        {
            var c = reader.Read();
            if (c < 0)
            {
                cells.Add(cell.ToString());
                return cells;
            }

            if (quoted)
            {
                if (c == '"' && reader.Peek() == '"')
                {
                    reader.Read();
                    cell.Append('"');
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append((char)c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                cells.Add(cell.ToString());
                cell.Clear();
            }
            else if (c == '\n')
            {
                cells.Add(cell.ToString());
                return cells;
            }
            else if (c != '\r')
            {
                cell.Append((char)c);
            }
        }
    }
}
