namespace Serving.Core.Monitoring.Drift;

/// <summary>The names reports give each drift test (<c>method</c> in the JSON).</summary>
public static class DriftMethods
{
    public const string KolmogorovSmirnov = "ks";

    public const string Wasserstein = "wasserstein";

    public const string ChiSquare = "chisquare";

    public const string JensenShannon = "jensenshannon";

    public const string ZTest = "ztest";
}
