using System.ComponentModel.DataAnnotations;

namespace Serving.Core.Monitoring;

/// <summary>The one queue between the request path and every monitor (<c>Serving:Monitoring:Pipeline</c>).</summary>
public sealed class MonitoringPipelineOptions
{
    public const string SectionName = "Serving:Monitoring:Pipeline";

    /// <summary>
    /// Finished requests waiting for the monitors, rounded up to a power of two; past it new ones are dropped and
    /// counted (<c>serving_monitoring_dropped_total</c>), never waited for. A slot is 16 bytes, so the default ring is
    /// 1 MiB, and it holds about 1.5 s of a busy replica's requests.
    /// </summary>
    [Range(1, 1 << 24)]
    public int QueueCapacity { get; set; } = 65_536;
}
