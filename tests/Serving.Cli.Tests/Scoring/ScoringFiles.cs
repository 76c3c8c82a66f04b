using System.Globalization;

namespace Serving.Cli.Tests.Scoring;

/// <summary>The committed sample inputs (the first 40 rows of the repository's data sets) and a plain CSV reader for checking outputs.</summary>
internal static class ScoringFiles
{
    public static string Sample(string model) =>
        Path.Combine(Repository.Root, "tests", "Serving.Cli.Tests", "Scoring", "Samples", $"{model}-sample.csv");

    /// <summary>Header and rows of a CSV without quoted fields (what the samples and the outputs made from them are).</summary>
    public static (string[] Header, string[][] Rows) Read(string path)
    {
        var lines = File.ReadAllLines(path);
        return (lines[0].Split(','), [.. lines.Skip(1).Where(l => l.Length > 0).Select(l => l.Split(','))]);
    }

    public static double[] Column(string path, string name)
    {
        var (header, rows) = Read(path);
        var index = Array.IndexOf(header, name);
        Assert.True(index >= 0, $"no column '{name}' in {string.Join(",", header)}");
        return [.. rows.Select(r => double.Parse(r[index], CultureInfo.InvariantCulture))];
    }

    /// <summary>Writes <paramref name="lines"/> (header first) as a CSV file.</summary>
    public static string Write(string path, IEnumerable<string> lines)
    {
        File.WriteAllText(path, string.Join('\n', lines) + "\n");
        return path;
    }
}
