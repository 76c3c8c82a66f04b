namespace Serving.Core.Rollouts;

/// <summary>Population stability index between two binned distributions: sum of (a - e) × ln(a / e) over bins.</summary>
public static class PopulationStability
{
    /// <summary>
    /// Shares below this are raised to it: a bin empty on one side would otherwise make the index infinite, and
    /// one stray value in an empty bin should not dominate it.
    /// </summary>
    public const double ShareFloor = 1e-4;

    /// <summary>PSI of <paramref name="actual"/> against <paramref name="expected"/>; null when the bins differ or either is empty.</summary>
    public static double? Index(ReadOnlySpan<long> expected, ReadOnlySpan<long> actual)
    {
        if (expected.Length != actual.Length || expected.Length == 0)
        {
            return null;
        }

        double expectedTotal = 0;
        double actualTotal = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            expectedTotal += expected[i];
            actualTotal += actual[i];
        }

        if (expectedTotal <= 0 || actualTotal <= 0)
        {
            return null;
        }

        double psi = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            var e = Math.Max(expected[i] / expectedTotal, ShareFloor);
            var a = Math.Max(actual[i] / actualTotal, ShareFloor);
            psi += (a - e) * Math.Log(a / e);
        }

        return psi;
    }
}
