using Serving.Core.Monitoring.Drift.Statistics;

namespace Serving.Core.Tests.Monitoring.Drift.Statistics;

/// <summary>PSI, Wasserstein, chi-square, Jensen–Shannon, the z-test and Q(a, x) against SciPy's numbers.</summary>
public sealed class DriftStatisticsTests
{
    public static TheoryData<string> PsiCases => DriftReference.Names("psi");

    public static TheoryData<string> WassersteinCases => DriftReference.Names("wasserstein");

    public static TheoryData<string> ChiSquareCases => DriftReference.Names("chiSquare");

    public static TheoryData<string> JensenShannonCases => DriftReference.Names("jensenShannon");

    public static TheoryData<string> ZTestCases => DriftReference.Names("zTest");

    [Theory]
    [MemberData(nameof(PsiCases))]
    public void Psi_matches_the_floored_formula(string name)
    {
        var c = DriftReference.Case("psi", name);

        var psi = PopulationStabilityIndex.Compute(DriftReference.Longs(c, "reference"), DriftReference.Longs(c, "current"));

        DriftReference.Close(c.GetProperty("psi").GetDouble(), psi, 1e-12, name);
    }

    [Theory]
    [MemberData(nameof(WassersteinCases))]
    public void Wasserstein_matches_scipy_and_normalizes_by_the_reference_std(string name)
    {
        var c = DriftReference.Case("wasserstein", name);
        var reference = DriftReference.Doubles(c, "reference");
        var current = DriftReference.Doubles(c, "current");
        Array.Sort(reference);
        Array.Sort(current);
        var mean = reference.Average();
        var std = Math.Sqrt(reference.Sum(v => (v - mean) * (v - mean)) / reference.Length);

        var distance = WassersteinDistance.ComputeSorted(current, reference);

        DriftReference.Close(c.GetProperty("distance").GetDouble(), distance, 1e-9, name);
        DriftReference.Close(c.GetProperty("normalized").GetDouble(), WassersteinDistance.Normalized(distance, std), 1e-9, name + " normalized");
    }

    [Theory]
    [MemberData(nameof(ChiSquareCases))]
    public void Chi_square_matches_scipy_chisquare(string name)
    {
        var c = DriftReference.Case("chiSquare", name);

        var result = ChiSquareTest.Test(DriftReference.Longs(c, "reference"), DriftReference.Longs(c, "current"));

        DriftReference.Close(c.GetProperty("statistic").GetDouble(), result.Statistic, 1e-12, name + " statistic");
        DriftReference.Close(c.GetProperty("pValue").GetDouble(), result.PValue, 1e-9, name + " p");
    }

    [Theory]
    [MemberData(nameof(JensenShannonCases))]
    public void Jensen_shannon_matches_scipy_with_natural_logarithms(string name)
    {
        var c = DriftReference.Case("jensenShannon", name);

        var distance = JensenShannonDistance.Compute(
            [.. DriftReference.Longs(c, "reference").Select(v => (double)v)], [.. DriftReference.Longs(c, "current").Select(v => (double)v)]);

        DriftReference.Close(c.GetProperty("distance").GetDouble(), distance, 1e-12, name);
    }

    [Theory]
    [MemberData(nameof(ZTestCases))]
    public void Z_test_matches_the_pooled_two_proportion_test(string name)
    {
        var c = DriftReference.Case("zTest", name);

        var result = TwoProportionZTest.Test(
            c.GetProperty("referenceHits").GetInt64(), c.GetProperty("referenceRows").GetInt64(),
            c.GetProperty("currentHits").GetInt64(), c.GetProperty("currentRows").GetInt64());

        DriftReference.Close(c.GetProperty("statistic").GetDouble(), result.Statistic, 1e-12, name + " z");
        DriftReference.Close(c.GetProperty("pValue").GetDouble(), result.PValue, 1e-9, name + " p");
    }

    [Fact]
    public void Upper_incomplete_gamma_matches_scipy_gammaincc()
    {
        foreach (var c in DriftReference.Cases("upperGamma"))
        {
            double a = c.GetProperty("a").GetDouble(), x = c.GetProperty("x").GetDouble();

            DriftReference.Close(c.GetProperty("q").GetDouble(), GammaFunctions.UpperRegularized(a, x), 1e-10, $"Q({a}, {x})");
        }
    }
}
