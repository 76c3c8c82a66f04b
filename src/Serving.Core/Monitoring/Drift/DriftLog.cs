using Microsoft.Extensions.Logging;

namespace Serving.Core.Monitoring.Drift;

/// <summary>Source-generated log messages of drift monitoring (event ids 1500-1549).</summary>
internal static partial class DriftLog
{
    [LoggerMessage(EventId = 1500, Level = LogLevel.Information, Message = "Drift window of {Model} version {Version} closed: {Rows} rows, {Drifted} of {Features} features drifted, dataset drift {DatasetDrift}")]
    public static partial void WindowClosed(ILogger logger, string model, int version, long rows, int drifted, int features, bool datasetDrift);

    [LoggerMessage(EventId = 1501, Level = LogLevel.Warning, Message = "Drift of {Model} version {Version} could not be computed for a request")]
    public static partial void ObserveFailed(ILogger logger, string model, int version, Exception exception);

    [LoggerMessage(EventId = 1502, Level = LogLevel.Warning, Message = "Drift episode of {Model} version {Version} began ({OpenedBy} drift); sending drift.detected {EventId}")]
    public static partial void EpisodeOpened(ILogger logger, string model, int version, string openedBy, string eventId);
}
