namespace Serving.Core.Monitoring.Drift.Statistics;

/// <summary>
/// The Pelz–Good (1976) asymptotic expansion of P(D_n ≤ x): Kolmogorov's limit plus corrections in 1/√n,
/// each written with Jacobi theta functions so the series converge quickly for small z = x·√n.
/// </summary>
internal static class PelzGood
{
    public static double Cdf(long n, double x)
    {
        if (x <= 0.0)
        {
            return 0.0;
        }

        if (x >= 1.0)
        {
            return 1.0;
        }

        const double pi2 = Math.PI * Math.PI;
        const double pi4 = pi2 * pi2;
        const double pi6 = pi4 * pi2;
        var sqrt2Pi = Math.Sqrt(2 * Math.PI);
        var z = Math.Sqrt(n) * x;
        double z2 = z * z, z3 = z2 * z, z4 = z2 * z2, z6 = z4 * z2;
        var qlog = -pi2 / 8 / z2;
        if (qlog < -708)
        {
            return 0.0;
        }

        var q = Math.Exp(qlog);
        var k1a = -z2;
        var k1b = pi2 / 4;
        var k2a = (6 * z6) + (2 * z4);
        var k2b = ((2 * z4) - (5 * z2)) * pi2 / 4;
        var k2c = pi4 * (1 - (2 * z2)) / 16;
        var k3d = pi6 * (5 - (30 * z2)) / 64;
        var k3c = pi4 * ((-60 * z2) + (212 * z4)) / 16;
        var k3b = pi2 * ((135 * z4) - (96 * z6)) / 4;
        var k3a = (-30 * z6) - (90 * Math.Pow(z, 8));

        Span<double> terms = stackalloc double[4];
        var maxK = (int)Math.Ceiling(16 * z / Math.PI);
        for (var k = maxK; k > 0; k--)
        {
            double m = (2 * k) - 1;
            double m2 = m * m, m4 = m2 * m2, m6 = m4 * m2;
            var qPower = Math.Pow(q, 8 * k);
            terms[0] = (terms[0] * qPower) + 1.0;
            terms[1] = (terms[1] * qPower) + k1a + (k1b * m2);
            terms[2] = (terms[2] * qPower) + k2a + (k2b * m2) + (k2c * m4);
            terms[3] = (terms[3] * qPower) + k3a + (k3b * m2) + (k3c * m4) + (k3d * m6);
        }

        ReadOnlySpan<double> divisors = [z, 6 * z4, 72 * Math.Pow(z, 7), 6480 * Math.Pow(z, 10)];
        for (var i = 0; i < 4; i++)
        {
            terms[i] = terms[i] * q * sqrt2Pi / divisors[i];
        }

        var q2 = Math.Exp(-pi2 / 2 / z2);
        var sqrt3z = Math.Sqrt(3) * z;
        double k2Extra = 0, k3Extra = 0;
        for (var k = maxK; k > 0; k--)
        {
            double k2 = (double)k * k;
            var qk = Math.Pow(q2, k2);
            k2Extra += k2 * qk;
            var kPi = Math.PI * k;
            k3Extra += (sqrt3z + kPi) * (sqrt3z - kPi) * k2 * qk;
        }

        terms[2] += k2Extra * pi2 * sqrt2Pi / (-36 * z3);
        terms[3] += k3Extra * pi2 * sqrt2Pi / (216 * z6);
        var sum = 0.0;
        for (var i = 0; i < 4; i++)
        {
            sum += terms[i] / Math.Pow(n, i / 2.0);
        }

        return sum;
    }
}
