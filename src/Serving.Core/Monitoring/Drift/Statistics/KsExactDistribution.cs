namespace Serving.Core.Monitoring.Drift.Statistics;

/// <summary>
/// Exact two-sided p-values of the two-sample KS statistic D = h / lcm(m, n): the share of lattice paths from
/// (0, 0) to (m, n) that leave the band |x/m − y/n| &lt; h / lcm(m, n). Equal sizes use the closed-form
/// alternating sum; unequal sizes use Hodges' inside method with the recursion rewritten for 1 − p
/// (Viehmann 2021), the two algorithms SciPy uses.
/// </summary>
internal static class KsExactDistribution
{
    /// <summary>P(D ≥ h/n) for two samples of n values each.</summary>
    public static double OutsideSquare(long n, long h)
    {
        // 2·Σ_k (−1)^(k−1)·C(2n, n−kh)/C(2n, n), evaluated Horner-style so the terms never cancel.
        var p = 0.0;
        for (var k = n / h; k >= 0; k--)
        {
            var term = 1.0;
            for (long j = 0; j < h; j++)
            {
                term = (n - (k * h) - j) * term / (n + (k * h) + j + 1);
            }

            p = term * (1.0 - p);
        }

        return 2 * p;
    }

    /// <summary>P(D ≥ h/lcm(m, n)) for samples of m and n values with gcd g; NaN or a value outside [0, 1] means it failed.</summary>
    public static double OutsideInsideMethod(long m, long n, long g, long h)
    {
        if (m < n)
        {
            (m, n) = (n, m);
        }

        long mg = m / g, ng = n / g;

        // One column of the path-count table, as a sliding window of the rows inside the band, each entry
        // holding the share of paths to that point that already left the band.
        long minj = 0, maxj = Math.Min((long)Math.Ceiling((double)h / mg), n + 1);
        var curlen = maxj - minj;
        var length = (int)Math.Min((2 * maxj) + 2, n + 1);
        var a = new double[length];
        Array.Fill(a, 1.0);
        Array.Fill(a, 0.0, 0, (int)Math.Min(maxj, length));

        // The recursion value = (above·i + value·j) / (i + j) is one long dependent chain, and a division in
        // it costs about five multiplications. Written as value = above·i/(i+j) + value·j/(i+j) with the
        // reciprocals looked up, only one fused multiply-add stays on the chain; the results differ from
        // the division form by rounding alone (relative 1e-13 at these sizes, well inside the tests' 1e-9).
        var reciprocals = new double[m + n + 1];
        for (var k = 1; k < reciprocals.Length; k++)
        {
            reciprocals[k] = 1.0 / k;
        }

        for (long i = 1; i <= m; i++)
        {
            var lastMinj = minj;
            var lastLen = curlen;
            minj = Math.Min(Math.Max((long)Math.Floor((double)((ng * i) - h) / mg) + 1, 0), n);
            maxj = Math.Min((long)Math.Ceiling((double)((ng * i) + h) / mg), n + 1);
            if (maxj <= minj)
            {
                return 1.0;
            }

            var value = minj == 0 ? 0.0 : 1.0;
            var width = (int)(maxj - minj);
            var above = a.AsSpan((int)(minj - lastMinj), width);
            var row = a.AsSpan(0, width);
            var inverse = reciprocals.AsSpan((int)(i + minj), width);
            double di = i, dj = minj;
            for (var jj = 0; jj < width; jj++, dj++)
            {
                var share = inverse[jj];
                value = Math.FusedMultiplyAdd(value, dj * share, above[jj] * di * share);
                row[jj] = value;
            }

            curlen = maxj - minj;
            if (lastLen > curlen)
            {
                var from = (int)(maxj - minj);
                var to = (int)Math.Min(from + (lastLen - curlen), length);
                Array.Fill(a, 1.0, from, Math.Max(0, to - from));
            }
        }

        return a[maxj - minj - 1];
    }
}
