namespace Serving.Core.Monitoring.Drift.Statistics;

/// <summary>
/// P(D_n ≤ d) by Durbin's matrix method as Marsaglia, Tsang and Wang (2003) compute it: the (k, k) entry of
/// H^n times n!/n^n, with powers of two carried separately so nothing overflows.
/// </summary>
internal static class DurbinMatrix
{
    private const int ScaleExponent = 128;

    public static double Cdf(long n, double d)
    {
        if (d >= 1.0)
        {
            return 1.0;
        }

        var nd = n * d;
        if (nd <= 0.5)
        {
            return 0.0;
        }

        var k = (int)Math.Ceiling(nd);
        var h = k - nd;
        var m = (2 * k) - 1;
        var v = new double[m];
        var w = new double[m];
        var factorial = 1.0;
        for (var j = 1; j <= m; j++)
        {
            w[j - 1] = factorial;
            factorial /= j;
            v[j - 1] = (1.0 - Math.Pow(h, j)) * factorial;
        }

        var tail = Math.Pow(Math.Max((2 * h) - 1.0, 0), m) - (2 * Math.Pow(h, m));
        v[m - 1] = (1.0 + tail) * factorial;

        var matrix = new double[m, m];
        for (var i = 1; i < m; i++)
        {
            for (var r = i - 1; r < m; r++)
            {
                matrix[r, i] = w[r - i + 1];
            }
        }

        for (var r = 0; r < m; r++)
        {
            matrix[r, 0] = v[r];
        }

        for (var c = 0; c < m; c++)
        {
            matrix[m - 1, c] = v[m - 1 - c];
        }

        var power = Identity(m);
        var exponent = 0;
        var matrixExponent = 0;
        for (var remaining = n; remaining > 0; remaining /= 2)
        {
            if (remaining % 2 == 1)
            {
                power = Multiply(power, matrix);
                exponent += matrixExponent;
            }

            matrix = Multiply(matrix, matrix);
            matrixExponent *= 2;
            if (Math.Abs(matrix[k - 1, k - 1]) > Math.ScaleB(1.0, ScaleExponent))
            {
                Scale(matrix, Math.ScaleB(1.0, -ScaleExponent));
                matrixExponent += ScaleExponent;
            }
        }

        var p = power[k - 1, k - 1];
        for (long i = 1; i <= n; i++)
        {
            p = i * p / n;
            if (Math.Abs(p) < Math.ScaleB(1.0, -ScaleExponent))
            {
                p *= Math.ScaleB(1.0, ScaleExponent);
                exponent -= ScaleExponent;
            }
        }

        return Math.Clamp(Math.ScaleB(p, exponent), 0.0, 1.0);
    }

    private static double[,] Identity(int m)
    {
        var result = new double[m, m];
        for (var i = 0; i < m; i++)
        {
            result[i, i] = 1.0;
        }

        return result;
    }

    private static double[,] Multiply(double[,] a, double[,] b)
    {
        var m = a.GetLength(0);
        var result = new double[m, m];
        for (var i = 0; i < m; i++)
        {
            for (var l = 0; l < m; l++)
            {
                var ail = a[i, l];
                if (ail == 0)
                {
                    continue;
                }

                for (var j = 0; j < m; j++)
                {
                    result[i, j] += ail * b[l, j];
                }
            }
        }

        return result;
    }

    private static void Scale(double[,] matrix, double factor)
    {
        var m = matrix.GetLength(0);
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < m; j++)
            {
                matrix[i, j] *= factor;
            }
        }
    }
}
