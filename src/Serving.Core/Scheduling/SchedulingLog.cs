using Microsoft.Extensions.Logging;

namespace Serving.Core.Scheduling;

/// <summary>Source-generated log messages of retraining schedules (event ids 1810-1819).</summary>
internal static partial class SchedulingLog
{
    [LoggerMessage(EventId = 1810, Level = LogLevel.Information, Message = "Retraining of {Model} is scheduled by '{Cron}' ({TimeZone}); next at {Next}")]
    public static partial void Scheduled(ILogger logger, string model, string cron, string timeZone, DateTimeOffset? next);

    [LoggerMessage(EventId = 1811, Level = LogLevel.Information, Message = "Retraining of {Model} is due ({Occurrence}); sending retrain.scheduled for stable version {Version}")]
    public static partial void Due(ILogger logger, string model, DateTimeOffset occurrence, int? version);
}
