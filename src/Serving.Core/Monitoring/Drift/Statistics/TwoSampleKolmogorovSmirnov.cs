namespace Serving.Core.Monitoring.Drift.Statistics;

/// <summary>
/// The two-sided two-sample Kolmogorov–Smirnov test as SciPy 1.10's <c>ks_2samp</c> computes it by default
/// (<c>method='auto'</c>): exact when both samples have at most 10,000 values (falling back to the asymptotic
/// distribution if the exact sum fails numerically), else Kolmogorov's distribution at
/// n = round(n1·n2 / (n1 + n2)). In the exact case D is reported as h / lcm(n1, n2), as SciPy does.
/// </summary>
public static class TwoSampleKolmogorovSmirnov
{
    /// <summary>Samples up to this size get the exact p-value (SciPy's <c>MAX_AUTO_N</c>).</summary>
    public const int MaxExactSize = 10_000;

    /// <summary>Sorts copies of both samples and tests them.</summary>
    public static KsResult Test(IEnumerable<double> first, IEnumerable<double> second)
    {
        var a = first.ToArray();
        var b = second.ToArray();
        Array.Sort(a);
        Array.Sort(b);
        return TestSorted(a, b);
    }

    /// <summary>Tests two samples that are already sorted ascending (neither may be empty or hold NaN).</summary>
    public static KsResult TestSorted(ReadOnlySpan<double> first, ReadOnlySpan<double> second)
    {
        if (first.IsEmpty || second.IsEmpty)
        {
            throw new ArgumentException("both samples need at least one value");
        }

        var d = Statistic(first, second);
        long n1 = first.Length, n2 = second.Length;
        if (Math.Max(n1, n2) <= MaxExactSize)
        {
            var g = Gcd(n1, n2);
            var lcm = n1 / g * n2;
            var h = (long)Math.Round(d * lcm, MidpointRounding.ToEven);
            var exactD = (double)h / lcm;
            if (h == 0)
            {
                return new KsResult(exactD, 1.0, KsMethod.Exact);
            }

            var p = n1 == n2
                ? KsExactDistribution.OutsideSquare(n1, h)
                : KsExactDistribution.OutsideInsideMethod(n1, n2, g, h);
            if (p is >= 0 and <= 1)
            {
                return new KsResult(exactD, p, KsMethod.Exact);
            }

            d = exactD;
        }

        var (m, n) = n1 >= n2 ? ((double)n1, (double)n2) : (n2, n1);
        var en = (long)Math.Round(m * n / (m + n), MidpointRounding.ToEven);
        return new KsResult(d, Math.Clamp(KolmogorovDistribution.Sf(en, d), 0, 1), KsMethod.Asymptotic);
    }

    /// <summary>
    /// max |F1(x) − F2(x)| over every value of both samples, with right-continuous empirical CDFs (ties are
    /// stepped over together), computed with the same floating-point steps as SciPy.
    /// </summary>
    public static double Statistic(ReadOnlySpan<double> first, ReadOnlySpan<double> second)
    {
        double n1 = first.Length, n2 = second.Length;
        double maxS = double.NegativeInfinity, minS = double.PositiveInfinity;
        int i = 0, j = 0;
        while (i < first.Length || j < second.Length)
        {
            var x = j >= second.Length || (i < first.Length && first[i] <= second[j]) ? first[i] : second[j];
            while (i < first.Length && first[i] <= x)
            {
                i++;
            }

            while (j < second.Length && second[j] <= x)
            {
                j++;
            }

            var diff = (i / n1) - (j / n2);
            maxS = Math.Max(maxS, diff);
            minS = Math.Min(minS, diff);
        }

        var down = Math.Clamp(-minS, 0, 1);
        return down > maxS ? down : maxS;
    }

    private static long Gcd(long a, long b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
