namespace Serving.Core.Monitoring.Drift;

/// <summary>Per-model overrides (<c>Serving:Monitoring:Models:&lt;name&gt;:Drift</c>); unset values keep the defaults.</summary>
public class DriftThresholdOverrides
{
    public int? SmallReferenceRows { get; set; }

    public double? KsPValue { get; set; }

    public double? ChiSquarePValue { get; set; }

    public double? ZTestPValue { get; set; }

    public double? Wasserstein { get; set; }

    public double? JensenShannon { get; set; }

    public double? Psi { get; set; }

    public double? DatasetDriftShare { get; set; }

    /// <summary>The defaults with every set value replaced.</summary>
    public DriftThresholds Apply(DriftThresholds defaults)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        return defaults with
        {
            SmallReferenceRows = SmallReferenceRows ?? defaults.SmallReferenceRows,
            KsPValue = KsPValue ?? defaults.KsPValue,
            ChiSquarePValue = ChiSquarePValue ?? defaults.ChiSquarePValue,
            ZTestPValue = ZTestPValue ?? defaults.ZTestPValue,
            Wasserstein = Wasserstein ?? defaults.Wasserstein,
            JensenShannon = JensenShannon ?? defaults.JensenShannon,
            Psi = Psi ?? defaults.Psi,
            DatasetDriftShare = DatasetDriftShare ?? defaults.DatasetDriftShare,
        };
    }
}
