namespace Serving.Core.Monitoring.Drift.Statistics;

/// <summary>
/// ln Γ(a) and the regularized upper incomplete gamma Q(a, x) = Γ(a, x)/Γ(a), which give the chi-square
/// survival function (Q(k/2, χ²/2)) and the complementary error function (erfc(z) = Q(1/2, z²)).
/// </summary>
public static class GammaFunctions
{
    // Lanczos approximation with g = 607/128 and 15 terms (Godfrey's coefficients), good to about 1e-15.
    private const double LanczosG = 607.0 / 128.0;

    private static readonly double[] Lanczos =
    [
        0.99999999999999709182, 57.156235665862923517, -59.597960355475491248, 14.136097974741747174,
        -0.49191381609762019978, .33994649984811888699e-4, .46523628927048575665e-4, -.98374475304879564677e-4,
        .15808870322491248884e-3, -.21026444172410488319e-3, .21743961811521264320e-3, -.16431810653676389022e-3,
        .84418223983852743293e-4, -.26190838401581408670e-4, .36899182659531622704e-5,
    ];

    /// <summary>ln Γ(a) for a &gt; 0.</summary>
    public static double LogGamma(double a)
    {
        if (a <= 0 || double.IsNaN(a))
        {
            return double.NaN;
        }

        if (a < 0.5)
        {
            // Reflection keeps the approximation where it is accurate.
            return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * a))) - LogGamma(1 - a);
        }

        var x = a - 1;
        var sum = Lanczos[0];
        for (var i = 1; i < Lanczos.Length; i++)
        {
            sum += Lanczos[i] / (x + i);
        }

        var t = x + LanczosG + 0.5;
        return (0.5 * Math.Log(2 * Math.PI)) + ((x + 0.5) * Math.Log(t)) - t + Math.Log(sum);
    }

    /// <summary>Q(a, x) = Γ(a, x)/Γ(a) for a &gt; 0, x ≥ 0: a series below x = a + 1, a continued fraction above.</summary>
    public static double UpperRegularized(double a, double x)
    {
        if (a <= 0 || x < 0 || double.IsNaN(a) || double.IsNaN(x))
        {
            return double.NaN;
        }

        if (x == 0)
        {
            return 1.0;
        }

        if (double.IsPositiveInfinity(x))
        {
            return 0.0;
        }

        var logPrefix = (a * Math.Log(x)) - x - LogGamma(a);
        return x < a + 1
            ? 1.0 - LowerSeries(a, x, logPrefix)
            : UpperContinuedFraction(a, x, logPrefix);
    }

    /// <summary>The complementary error function.</summary>
    public static double Erfc(double z) => z >= 0 ? UpperRegularized(0.5, z * z) : 2.0 - UpperRegularized(0.5, z * z);

    // P(a, x) = e^−x x^a / Γ(a+1) · Σ x^k / ((a+1)…(a+k)).
    private static double LowerSeries(double a, double x, double logPrefix)
    {
        var term = 1.0 / a;
        var sum = term;
        for (var k = 1; k < 10_000; k++)
        {
            term *= x / (a + k);
            sum += term;
            if (Math.Abs(term) < Math.Abs(sum) * 1e-17)
            {
                break;
            }
        }

        return sum * Math.Exp(logPrefix);
    }

    // Legendre's continued fraction for Γ(a, x), evaluated by the modified Lentz method.
    private static double UpperContinuedFraction(double a, double x, double logPrefix)
    {
        const double tiny = 1e-300;
        var b = x + 1 - a;
        var c = 1 / tiny;
        var d = 1 / b;
        var h = d;
        for (var i = 1; i < 10_000; i++)
        {
            var an = -i * (i - a);
            b += 2;
            d = (an * d) + b;
            if (Math.Abs(d) < tiny)
            {
                d = tiny;
            }

            c = b + (an / c);
            if (Math.Abs(c) < tiny)
            {
                c = tiny;
            }

            d = 1 / d;
            var delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < 1e-16)
            {
                break;
            }
        }

        return Math.Exp(logPrefix) * h;
    }
}
