using Serving.Core.Contracts;
using Serving.Core.Inference;

namespace Serving.Core.Monitoring.Logging;

/// <summary>
/// A prediction as the log queue holds it: its JSON record, plus the few fields sinks route and key by. A struct,
/// so the bounded queue stores it inline rather than as one more object per request.
/// </summary>
public readonly struct LoggedPrediction
{
    /// <summary>
    /// Requests with more values than this (inputs and outputs together) are laid out on the writer's thread:
    /// writing a large tensor as text takes milliseconds, which the request should not wait for.
    /// </summary>
    public const int MaxValuesLaidOutOnRequest = 1024;

    private readonly ReadOnlyMemory<byte> _json;
    private readonly LogLinePage? _page;
    private readonly InferenceRecord? _deferred;

    private LoggedPrediction(InferenceRecord record, ReadOnlyMemory<byte>? json, LogLinePage? page = null)
    {
        Model = record.Model;
        Version = record.Version;
        Id = PredictionRecordWriter.LoggedId(record) ?? string.Empty;
        Day = DateOnly.FromDateTime(record.StartedAt.UtcDateTime);
        _json = json ?? default;
        _page = page;
        _deferred = json is null ? record : null;
    }

    /// <summary>Model name (the file folder, or the Redis stream).</summary>
    public string Model { get; }

    /// <summary>The version that served.</summary>
    public int Version { get; }

    /// <summary>The prediction id (empty when the request failed before one was given).</summary>
    public string Id { get; }

    /// <summary>The UTC day the request came in (the file it belongs to).</summary>
    public DateOnly Day { get; }

    /// <summary>
    /// The record as UTF-8 JSON, without a line break (laid out now if it was left for the writer). Laid out through
    /// <see cref="LogLinePages"/>, the bytes are reused once the logger releases the line, after the sink's write
    /// returns: a sink copies what it keeps.
    /// </summary>
    public ReadOnlyMemory<byte> Json => _deferred is null ? _json : PredictionRecordWriter.ToUtf8(_deferred);

    /// <summary>Whether <see cref="Json"/> is ready, rather than left for the writer's thread.</summary>
    public bool IsLaidOut => _deferred is null;

    /// <summary>This prediction with its record laid out; throws what the layout throws.</summary>
    public LoggedPrediction LaidOut() => _deferred is null ? this : new LoggedPrediction(_deferred, PredictionRecordWriter.ToUtf8(_deferred));

    /// <summary>Lets the line's page go once the line has been written or dropped for good; call it once.</summary>
    internal void Release() => _page?.Release();

    /// <summary>
    /// Lays the record out now, unless it is large. The logger calls this on the request's own thread, while the
    /// request's tensors are still in its core's cache: done on the writer thread tens of milliseconds later,
    /// every object the record points to is a cache miss, which made the same work two to three times slower.
    /// </summary>
    public static LoggedPrediction Of(InferenceRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return IsSmall(record) ? new LoggedPrediction(record, PredictionRecordWriter.ToUtf8(record)) : new LoggedPrediction(record, null);
    }

    /// <summary>The same, with the line copied into <paramref name="pages"/> rather than an array of its own.</summary>
    internal static LoggedPrediction Of(InferenceRecord record, LogLinePages pages)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(pages);
        if (!IsSmall(record))
        {
            return new LoggedPrediction(record, null);
        }

        var json = PredictionRecordWriter.ToUtf8(record, pages, out var page);
        return new LoggedPrediction(record, json, page);
    }

    private static bool IsSmall(InferenceRecord record) =>
        (PredictionRecordWriter.IsRefused(record) ? 0 : Values(record.Request.Inputs)) + (record.Response is { } response ? Values(response.Outputs) : 0) <= MaxValuesLaidOutOnRequest;

    private static long Values(IReadOnlyList<Tensor> tensors)
    {
        long values = 0;
        for (var i = 0; i < tensors.Count; i++)
        {
            values += tensors[i].ElementCount;
        }

        return values;
    }
}
