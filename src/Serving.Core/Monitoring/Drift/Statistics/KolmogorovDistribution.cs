namespace Serving.Core.Monitoring.Drift.Statistics;

/// <summary>
/// Survival function of the two-sided one-sample KS statistic D_n (SciPy's <c>kstwo.sf</c>), following
/// Simard and L'Ecuyer (2011) and the same choice of algorithm per region as SciPy: closed forms at the edges,
/// twice the one-sided Smirnov sum for large n·x², and the Durbin matrix (exact) or the Pelz–Good
/// expansion otherwise. Where SciPy uses Pomeranz's recursion (n ≤ 140, 0.754693 &lt; n·x² ≤ 4) the Durbin
/// matrix is used instead: both are exact, so they agree to rounding.
/// </summary>
internal static class KolmogorovDistribution
{
    public static double Sf(long n, double x)
    {
        if (n <= 0 || double.IsNaN(x))
        {
            return double.NaN;
        }

        if (x >= 1.0)
        {
            return 0.0;
        }

        if (x <= 0.0)
        {
            return 1.0;
        }

        var t = n * x;
        if (t <= 1.0)
        {
            // Ruben–Gambino: for 1/(2n) ≤ x ≤ 1/n the CDF is n!/n^n·(2t − 1)^n.
            if (t <= 0.5)
            {
                return 1.0;
            }

            double cdf;
            if (n <= 140)
            {
                cdf = 1.0;
                for (long i = 1; i <= n; i++)
                {
                    cdf *= i * (1.0 / n) * ((2 * t) - 1);
                }
            }
            else
            {
                cdf = Math.Exp(LogFactorialOverPower(n) + (n * Math.Log((2 * t) - 1)));
            }

            return Clip(1.0 - cdf);
        }

        if (t >= n - 1)
        {
            return Clip(2 * Math.Pow(1.0 - x, n));
        }

        if (x >= 0.5)
        {
            return Clip(2 * SmirnovDistribution.Sf(n, x));
        }

        var nxSquared = t * x;
        if (n <= 140)
        {
            return nxSquared <= 4
                ? Clip(1.0 - DurbinMatrix.Cdf(n, x))
                : Clip(2 * SmirnovDistribution.Sf(n, x));
        }

        if (nxSquared >= 370.0)
        {
            return 0.0;
        }

        if (nxSquared >= 2.2)
        {
            return Clip(2 * SmirnovDistribution.Sf(n, x));
        }

        var cdfLarge = n <= 100_000 && n * Math.Pow(x, 1.5) <= 1.4
            ? DurbinMatrix.Cdf(n, x)
            : PelzGood.Cdf(n, x);
        return Clip(1.0 - cdfLarge);
    }

    // log(n!/n^n) by Stirling's series, as SciPy evaluates it for large n.
    private static double LogFactorialOverPower(long n)
    {
        ReadOnlySpan<double> coefficients =
        [
            -2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3, 8.4175084175084175084e-4,
            -5.952380952380952381e-4, 7.9365079365079365079e-4, -2.7777777777777777778e-3, 8.3333333333333333333e-2,
        ];
        var rn = 1.0 / n;
        var y = rn / n;
        var poly = 0.0;
        foreach (var c in coefficients)
        {
            poly = (poly * y) + c;
        }

        return (Math.Log(n) / 2) - n + (Math.Log(2 * Math.PI) / 2) + (rn * poly);
    }

    private static double Clip(double p) => Math.Clamp(p, 0.0, 1.0);
}
