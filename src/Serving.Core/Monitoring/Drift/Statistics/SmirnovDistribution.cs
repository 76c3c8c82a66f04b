namespace Serving.Core.Monitoring.Drift.Statistics;

/// <summary>
/// Survival function of the one-sided one-sample KS statistic D_n⁺ (SciPy's <c>smirnov</c>), by the exact
/// Smirnov–Birnbaum–Tingey sum x·Σ_j C(n, j)·(1 − x − j/n)^(n−j)·(x + j/n)^(j−1), each term formed in logs so
/// no power under- or overflows.
/// </summary>
internal static class SmirnovDistribution
{
    public static double Sf(long n, double x)
    {
        if (x <= 0.0)
        {
            return 1.0;
        }

        if (x >= 1.0)
        {
            return 0.0;
        }

        if (n == 1)
        {
            return x;
        }

        var nx = n * x;
        if (nx <= 1.0)
        {
            return 1.0 - (x * Math.Pow(1 + x, n - 1));
        }

        if (-2 * n * x * x < -708)
        {
            return 0.0;
        }

        if (Math.Floor(nx) >= n - 1)
        {
            return Math.Pow(1 - x, n);
        }

        var last = (long)Math.Floor(n * (1 - x));
        var logBinomial = 0.0;
        var sum = 0.0;
        for (long j = 0; j <= last; j++)
        {
            var low = 1 - x - ((double)j / n);
            if (low > 0)
            {
                var logTerm = logBinomial + ((n - j) * Math.Log(low)) + ((j - 1) * Math.Log(x + ((double)j / n)));
                sum += Math.Exp(logTerm);
            }

            logBinomial += Math.Log((double)(n - j) / (j + 1));
        }

        return Math.Clamp(x * sum, 0.0, 1.0);
    }
}
