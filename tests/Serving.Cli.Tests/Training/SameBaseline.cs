using Serving.Core.Contracts;

namespace Serving.Cli.Tests.Training;

/// <summary>
/// Whether two packages of one sample carry the same drift baseline. The feature and label statistics come from
/// the data alone and must agree to <see cref="Data"/> (relative); the prediction distribution comes from the
/// model, so it agrees as its answers do (<see cref="SameAnswers"/>): class counts differ by at most the number of
/// undecided rows, and a regression summary agrees to <see cref="SameAnswers.Relative"/>, with each bin count
/// allowed to move by the number of predictions that sit within twice that tolerance of a bin edge.
/// </summary>
internal static class SameBaseline
{
    /// <summary>Relative tolerance on statistics of the data (only summation order could move them).</summary>
    public const double Data = 1e-9;

    public static void Assert(
        BaselineStatistics? expected,
        BaselineStatistics? actual,
        int undecidedRows,
        IReadOnlyList<double>? expectedPredictions,
        string what)
    {
        Xunit.Assert.NotNull(expected);
        Xunit.Assert.NotNull(actual);
        Xunit.Assert.Equal(expected.Rows, actual.Rows);
        Xunit.Assert.Equal(expected.Features.Select(f => f.Name), actual.Features.Select(f => f.Name));
        for (var i = 0; i < expected.Features.Count; i++)
        {
            AssertFeature(expected.Features[i], actual.Features[i], (e, a) => Near(e, a, Data), allowedBinMoves: 0, $"{what}: feature");
        }

        Xunit.Assert.Equal(expected.Label?.Classes, actual.Label?.Classes);
        if (expected.Label?.Numeric is { } label)
        {
            AssertFeature(label, actual.Label!.Numeric!, (e, a) => Near(e, a, Data), allowedBinMoves: 0, $"{what}: label");
        }

        var predicted = (Expected: expected.Prediction, Actual: actual.Prediction);
        Xunit.Assert.Equal(predicted.Expected?.Classes is null, predicted.Actual?.Classes is null);
        if (predicted.Expected?.Classes is { } classes)
        {
            foreach (var key in classes.Keys.Union(predicted.Actual!.Classes!.Keys))
            {
                var (e, a) = (classes.GetValueOrDefault(key), predicted.Actual.Classes.GetValueOrDefault(key));
                Xunit.Assert.True(Math.Abs(e - a) <= undecidedRows, $"{what}: {e} rows predicted {key} against {a}, with {undecidedRows} undecided rows");
            }
        }

        if (predicted.Expected?.Numeric is { } numeric)
        {
            ArgumentNullException.ThrowIfNull(expectedPredictions);
            var nearEdges = expectedPredictions.Count(v => numeric.BinEdges.Skip(1).SkipLast(1).Any(edge => Near(edge, v, 2 * SameAnswers.Relative)));
            AssertFeature(numeric, predicted.Actual!.Numeric!, SameAnswers.Close, nearEdges, $"{what}: prediction");
        }
    }

    private static void AssertFeature(FeatureBaseline expected, FeatureBaseline actual, Func<double, double, bool> close, int allowedBinMoves, string what)
    {
        var name = $"{what} '{expected.Name}'";
        Xunit.Assert.Equal((expected.Name, expected.Count, expected.Missing, expected.ValuesAreQuantiles), (actual.Name, actual.Count, actual.Missing, actual.ValuesAreQuantiles));
        AssertClose([expected.Mean, expected.Std, expected.Min, expected.Max], [actual.Mean, actual.Std, actual.Min, actual.Max], close, $"{name} mean, std, min, max");
        AssertClose(expected.BinEdges, actual.BinEdges, close, $"{name} bin edges");
        AssertClose(expected.Values, actual.Values, close, $"{name} values");
        Xunit.Assert.Equal(expected.BinCounts.Count, actual.BinCounts.Count);
        for (var b = 0; b < expected.BinCounts.Count; b++)
        {
            Xunit.Assert.True(
                Math.Abs(expected.BinCounts[b] - actual.BinCounts[b]) <= allowedBinMoves,
                $"{name} bin {b}: {actual.BinCounts[b]} rows against {expected.BinCounts[b]} (at most {allowedBinMoves} may move)");
        }
    }

    private static void AssertClose(IReadOnlyList<double> expected, IReadOnlyList<double> actual, Func<double, double, bool> close, string what)
    {
        Xunit.Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Xunit.Assert.True(close(expected[i], actual[i]), $"{what} [{i}]: {actual[i]:R} against {expected[i]:R}");
        }
    }

    private static bool Near(double expected, double actual, double relative) =>
        Math.Abs(expected - actual) <= relative * Math.Max(1, Math.Abs(expected));
}
