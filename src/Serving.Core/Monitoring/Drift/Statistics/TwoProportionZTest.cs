namespace Serving.Core.Monitoring.Drift.Statistics;

/// <summary>
/// The pooled two-proportion z-test Evidently applies to columns with at most two values: z = (p1 − p2) /
/// √(P(1 − P)(1/n1 + 1/n2)), two-sided p = erfc(|z|/√2) (the same as 2·(1 − Φ(|z|)) without its rounding).
/// </summary>
public static class TwoProportionZTest
{
    /// <summary>Hits (rows equal to the chosen value) and rows of each sample.</summary>
    public static TestResult Test(long referenceHits, long referenceRows, long currentHits, long currentRows)
    {
        double p1 = (double)referenceHits / referenceRows, p2 = (double)currentHits / currentRows;
        var pooled = ((p1 * referenceRows) + (p2 * currentRows)) / (referenceRows + currentRows);
        var spread = Math.Sqrt(pooled * (1 - pooled) * ((1.0 / referenceRows) + (1.0 / currentRows)));
        if (spread == 0)
        {
            // Both samples hold a single, identical value: nothing moved.
            return new TestResult(0, 1.0);
        }

        var z = (p1 - p2) / spread;
        return new TestResult(z, GammaFunctions.Erfc(Math.Abs(z) / Math.Sqrt(2)));
    }
}
