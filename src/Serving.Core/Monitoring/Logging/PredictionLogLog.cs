using Microsoft.Extensions.Logging;

namespace Serving.Core.Monitoring.Logging;

/// <summary>Source-generated log messages of the prediction log (event ids 1300-1399).</summary>
internal static partial class PredictionLogLog
{
    [LoggerMessage(EventId = 1300, Level = LogLevel.Warning, Message = "Writing {Count} prediction records failed (attempt {Attempt}); retrying in {Delay}")]
    public static partial void SinkFailed(ILogger logger, int count, int attempt, TimeSpan delay, Exception exception);

    [LoggerMessage(EventId = 1301, Level = LogLevel.Information, Message = "Prediction log sink recovered after {Attempts} attempts")]
    public static partial void SinkRecovered(ILogger logger, int attempts);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Error, Message = "A prediction record of model {Model} could not be laid out as JSON and was dropped; later failures are only counted")]
    public static partial void LayoutFailed(ILogger logger, string model, Exception exception);

    [LoggerMessage(EventId = 1303, Level = LogLevel.Warning, Message = "A prediction record of model {Model} can never be written ({Reason}) and was dropped; later ones for this reason are only counted (serving_prediction_log_unwritable_total)")]
    public static partial void RecordUnwritable(ILogger logger, string model, string reason, Exception exception);

    [LoggerMessage(EventId = 1304, Level = LogLevel.Warning, Message = "{Count} feedback labels of model {Model} could not be appended to the labels log and were dropped; later failures are only counted (serving_feedback_labels_log_dropped_total)")]
    public static partial void LabelsUnwritable(ILogger logger, int count, string model, Exception exception);

    [LoggerMessage(EventId = 1305, Level = LogLevel.Warning, Message = "{Count} feedback labels of model {Model} cannot be appended to the labels log just now; they are kept and retried with back-off, and labels that arrive meanwhile wait in the queue (dropped and counted once it is full)")]
    public static partial void LabelsWaiting(ILogger logger, int count, string model, Exception exception);

    [LoggerMessage(EventId = 1306, Level = LogLevel.Information, Message = "The labels log can be written again; the labels that waited are appended")]
    public static partial void LabelsWritable(ILogger logger);
}
