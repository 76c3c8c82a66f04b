namespace Serving.Core.Monitoring.Drift;

/// <summary>
/// The <c>Serving:Monitoring:Drift</c> section: on/off, queue size, and the default thresholds (the inherited
/// values, set in the same section, e.g. <c>Serving:Monitoring:Drift:KsPValue</c>).
/// </summary>
public sealed class DriftSettings : DriftThresholdOverrides
{
    /// <summary>Whether drift is computed at all.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Finished requests waiting for the drift worker; past this they are dropped (and counted).</summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>
    /// Requests a second that drift sees, at most; the rest are not sampled (counted). Exact KS over a window is
    /// O(window × baseline) per feature, so this caps the CPU drift takes from serving on a busy replica while
    /// the windows stay a uniform sample of traffic. 0 means no cap.
    /// </summary>
    public int MaxRequestsPerSecond { get; set; } = 200;
}
