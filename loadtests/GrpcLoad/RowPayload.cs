using System.Globalization;

namespace Serving.LoadTests.GrpcLoad;

/// <summary>The single row every scenario sends: feature names and their values, read from the shared payload CSV.</summary>
internal sealed record RowPayload(IReadOnlyList<string> Names, IReadOnlyList<double> Values)
{
    /// <summary>Reads a two-line CSV: the feature names, then one row of numbers.</summary>
    public static RowPayload Load(string path)
    {
        var lines = File.ReadLines(path).Where(l => l.Length > 0).Take(2).ToArray();
        if (lines.Length < 2)
        {
            throw new FormatException($"payload {path} needs a header line and a data line");
        }

        var names = lines[0].Split(',', StringSplitOptions.TrimEntries);
        var values = lines[1].Split(',', StringSplitOptions.TrimEntries)
            .Select(v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture))
            .ToArray();
        if (names.Length != values.Length)
        {
            throw new FormatException($"payload {path}: {names.Length} names but {values.Length} values");
        }

        return new RowPayload(names, values);
    }
}
