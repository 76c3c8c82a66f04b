using Microsoft.Extensions.Logging;

namespace Serving.Core.Monitoring.Performance;

/// <summary>Source-generated log messages of live performance (event ids 1500-1599).</summary>
internal static partial class PerformanceLog
{
    [LoggerMessage(EventId = 1500, Level = LogLevel.Warning, Message = "Could not take in a prediction of {Model} version {Version} for performance")]
    public static partial void IngestFailed(ILogger logger, string model, int version, Exception exception);

    [LoggerMessage(EventId = 1820, Level = LogLevel.Warning, Message = "Live {Metric} of {Model} version {Version} is past its threshold: a performance episode began; sending performance.degraded {EventId}")]
    public static partial void Degraded(ILogger logger, string model, int version, string metric, string eventId);
}
