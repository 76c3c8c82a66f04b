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
    /// Rows of one request that drift sees, at most. A larger request hands the queue a copy of this many rows,
    /// evenly spread over the batch from a random start (each row has the same chance), rather than the whole
    /// request: a 100,000-row batch costs the drift worker no more than this many rows.
    /// </summary>
    public int MaxRowsPerRequest { get; set; } = 100;

    /// <summary>
    /// Rows waiting for the drift worker, at most, across all queued requests; a request that would pass it is
    /// dropped (and counted with the other drops). With <see cref="MaxRowsPerRequest"/> it bounds the queue's memory
    /// and the work it can hold, whatever size the requests are.
    /// </summary>
    public int MaxQueuedRows { get; set; } = 50_000;

    /// <summary>
    /// Requests a second that drift sees, at most; the rest are not sampled (counted). Exact KS over a window is
    /// O(window × baseline) per feature, so this caps the CPU drift takes from serving on a busy replica while
    /// the windows stay a uniform sample of traffic. 0 means no cap.
    /// </summary>
    public int MaxRequestsPerSecond { get; set; } = 200;

    /// <summary>When drift is an episode and when it is over (<c>Serving:Monitoring:Drift:Episodes</c>): one <c>drift.detected</c> each.</summary>
    public DriftEpisodeSettings Episodes { get; set; } = new();
}
