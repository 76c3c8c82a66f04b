using Serving.Core.Inference;

namespace Serving.Core.Monitoring.Logging;

/// <summary>
/// A prediction as the log queue holds it: already laid out as its JSON record, plus the few fields sinks route
/// and key by. A struct, so the bounded queue stores it inline rather than as one more object per request.
/// </summary>
/// <param name="Model">Model name (the file folder, or the Redis stream).</param>
/// <param name="Version">The version that served.</param>
/// <param name="Id">The prediction id (empty when the request failed before one was given).</param>
/// <param name="Day">The UTC day the request came in (the file it belongs to).</param>
/// <param name="Json">The record as UTF-8 JSON, without a line break.</param>
public readonly record struct LoggedPrediction(string Model, int Version, string Id, DateOnly Day, byte[] Json)
{
    /// <summary>
    /// Lays the record out now. The logger calls this on the request's own thread, while the request's tensors
    /// are still in its core's cache: done on the writer thread tens of milliseconds later, every object the record
    /// points to is a cache miss, which made the same work two to three times slower.
    /// </summary>
    public static LoggedPrediction Of(InferenceRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new LoggedPrediction(
            record.Model,
            record.Version,
            record.Response?.Id ?? record.Request.Id ?? string.Empty,
            DateOnly.FromDateTime(record.StartedAt.UtcDateTime),
            PredictionRecordWriter.ToUtf8(record));
    }
}
