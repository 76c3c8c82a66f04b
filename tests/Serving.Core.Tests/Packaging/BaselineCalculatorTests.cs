using System.Text.Json;
using Serving.Core.Packaging;

namespace Serving.Core.Tests.Packaging;

/// <summary>The baseline math against numpy's answers (Expected/make_baseline_expected.py).</summary>
public sealed class BaselineCalculatorTests
{
    public static TheoryData<int> Cases()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < ExpectedCases().GetArrayLength(); i++)
        {
            data.Add(i);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Describe_matches_numpy_for_counts_moments_bins_and_values(int index)
    {
        var testCase = ExpectedCases()[index];
        var file = testCase.GetProperty("file").GetString()!;
        var path = file == "long_column.csv" ? RepositoryFiles.Expected(file) : RepositoryFiles.Data(file);
        var column = CsvDataSet.Load(path).Column(testCase.GetProperty("column").GetString()!);
        var expected = testCase.GetProperty("expected");

        var actual = BaselineCalculator.Describe("x", column, testCase.GetProperty("float32").GetBoolean());

        Assert.Equal(expected.GetProperty("count").GetInt64(), actual.Count);
        Assert.Equal(expected.GetProperty("missing").GetInt64(), actual.Missing);
        AssertClose(expected.GetProperty("mean").GetDouble(), actual.Mean);
        AssertClose(expected.GetProperty("std").GetDouble(), actual.Std);
        Assert.Equal(expected.GetProperty("min").GetDouble(), actual.Min);
        Assert.Equal(expected.GetProperty("max").GetDouble(), actual.Max);
        AssertAllClose(Doubles(expected.GetProperty("binEdges")), actual.BinEdges);
        Assert.Equal(expected.GetProperty("binCounts").EnumerateArray().Select(e => e.GetInt64()), actual.BinCounts);
        AssertAllClose(Doubles(expected.GetProperty("values")), actual.Values);
        Assert.Equal(expected.GetProperty("valuesAreQuantiles").GetBoolean(), actual.ValuesAreQuantiles);
    }

    [Fact]
    public void Describe_rounds_values_to_float32_when_asked()
    {
        var baseline = BaselineCalculator.Describe("x", [0.1, 0.2], roundToFloat32: true);

        Assert.Equal([(double)0.1f, (double)0.2f], baseline.Values);
    }

    [Fact]
    public void Describe_of_an_all_missing_column_counts_the_missing_and_has_no_values()
    {
        var baseline = BaselineCalculator.Describe("x", [double.NaN, double.NaN], roundToFloat32: false);

        Assert.Equal(2, baseline.Missing);
        Assert.Equal(0, baseline.Count);
        Assert.Empty(baseline.Values);
    }

    [Fact]
    public void CountClasses_keys_classes_by_their_numeric_text()
    {
        var counts = BaselineCalculator.CountClasses([1.0, 0.0, 1.0, 2.5]);

        Assert.Equal(new Dictionary<string, long> { ["0"] = 1, ["1"] = 2, ["2.5"] = 1 }, counts);
    }

    private static JsonElement ExpectedCases() =>
        JsonDocument.Parse(File.ReadAllText(RepositoryFiles.Expected("baseline_expected.json"))).RootElement;

    private static double[] Doubles(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetDouble())];

    private static void AssertAllClose(double[] expected, IReadOnlyList<double> actual)
    {
        Assert.Equal(expected.Length, actual.Count);
        for (var i = 0; i < expected.Length; i++)
        {
            AssertClose(expected[i], actual[i]);
        }
    }

    private static void AssertClose(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-9 * Math.Max(1, Math.Abs(expected)), $"expected {expected:R}, got {actual:R}");
}
