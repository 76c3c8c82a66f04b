using System.Globalization;

namespace Serving.Gateway.Tests.Hosting;

/// <summary>Rows of the committed breast-cancer training data, as the sample model takes them.</summary>
public static class BreastCancerRows
{
    private static readonly Lazy<(string[] Header, float[][] Rows)> Data = new(Load);

    public static string[] FeatureNames => Data.Value.Header;

    public static float[] Row(int index) => Data.Value.Rows[index];

    public static int Count => Data.Value.Rows.Length;

    /// <summary>One row as a JSON array of numbers.</summary>
    public static string Json(int index) => "[" + string.Join(',', Row(index).Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "]";

    private static (string[], float[][]) Load()
    {
        var path = RepositoryPaths.Of("data", "breast-cancer.csv");
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        var rows = lines.Skip(1)
            .Select(l => l.Split(',')[..^1].Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray())
            .ToArray();
        return (header[..^1], rows);
    }
}
