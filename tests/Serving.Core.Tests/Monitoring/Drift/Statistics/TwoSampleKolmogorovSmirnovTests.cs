using Serving.Core.Monitoring.Drift.Statistics;

namespace Serving.Core.Tests.Monitoring.Drift.Statistics;

/// <summary>The two-sample KS test against SciPy's ks_2samp numbers.</summary>
public sealed class TwoSampleKolmogorovSmirnovTests
{
    public static TheoryData<string> Cases => DriftReference.Names("ks");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Statistic_p_value_and_method_match_scipy_ks_2samp(string name)
    {
        var c = DriftReference.Case("ks", name);

        var result = TwoSampleKolmogorovSmirnov.Test(DriftReference.Doubles(c, "reference"), DriftReference.Doubles(c, "current"));

        Assert.Equal(c.GetProperty("method").GetString() == "exact" ? KsMethod.Exact : KsMethod.Asymptotic, result.Method);
        DriftReference.Close(c.GetProperty("statistic").GetDouble(), result.Statistic, 1e-12, name + " D");

        // The exact sums reproduce SciPy's arithmetic; the asymptotic branches approximate, as SciPy's do.
        DriftReference.Close(c.GetProperty("pValue").GetDouble(), result.PValue, result.Method == KsMethod.Exact ? 1e-9 : 1e-6, name + " p");
    }

    [Fact]
    public void Both_orders_of_the_samples_give_the_same_answer()
    {
        var c = DriftReference.Case("ks", "small unequal sizes");
        var a = DriftReference.Doubles(c, "reference");
        var b = DriftReference.Doubles(c, "current");

        Assert.Equal(TwoSampleKolmogorovSmirnov.Test(a, b), TwoSampleKolmogorovSmirnov.Test(b, a));
    }
}
