using System.Text.Json;

namespace Serving.Core.Tests.Monitoring.Drift;

/// <summary>The SciPy numbers committed in Reference/drift_reference.json (made by make_drift_reference.py).</summary>
internal static class DriftReference
{
    private static readonly Lazy<JsonElement> Root = new(() =>
        JsonDocument.Parse(File.ReadAllText(RepositoryPaths.Of("tests", "Serving.Core.Tests", "Monitoring", "Drift", "Reference", "drift_reference.json"))).RootElement);

    public static IEnumerable<JsonElement> Cases(string section) => Root.Value.GetProperty(section).EnumerateArray();

    public static JsonElement Case(string section, string name) => Cases(section).Single(c => c.GetProperty("name").GetString() == name);

    public static TheoryData<string> Names(string section) => [.. Cases(section).Select(c => c.GetProperty("name").GetString()!)];

    public static double[] Doubles(JsonElement element, string property) =>
        [.. element.GetProperty(property).EnumerateArray().Select(v => v.GetDouble())];

    public static long[] Longs(JsonElement element, string property) =>
        [.. element.GetProperty(property).EnumerateArray().Select(v => v.GetInt64())];

    /// <summary>Asserts agreement to a relative tolerance (absolute near zero).</summary>
    public static void Close(double expected, double actual, double tolerance, string what)
    {
        var scale = Math.Max(Math.Abs(expected), 1e-300);
        Assert.True(
            expected == actual || Math.Abs(expected - actual) <= tolerance * scale,
            $"{what}: expected {expected:R}, got {actual:R} (relative error {Math.Abs(expected - actual) / scale:E2})");
    }
}
