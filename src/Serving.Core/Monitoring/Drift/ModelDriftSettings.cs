namespace Serving.Core.Monitoring.Drift;

/// <summary>One model's monitoring section (<c>Serving:Monitoring:Models:&lt;name&gt;</c>), as far as drift reads it.</summary>
public sealed class ModelDriftSettings
{
    public DriftThresholdOverrides Drift { get; set; } = new();
}
