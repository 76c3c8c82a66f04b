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

    private readonly byte[]? _json;
    private readonly InferenceRecord? _deferred;

    private LoggedPrediction(InferenceRecord record, byte[]? json)
    {
        Model = record.Model;
        Version = record.Version;
        Id = record.Response?.Id ?? record.Request.Id ?? string.Empty;
        Day = DateOnly.FromDateTime(record.StartedAt.UtcDateTime);
        _json = json;
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

    /// <summary>The record as UTF-8 JSON, without a line break (laid out now if it was left for the writer).</summary>
    public byte[] Json => _json ?? PredictionRecordWriter.ToUtf8(_deferred!);

    /// <summary>Whether <see cref="Json"/> is ready, rather than left for the writer's thread.</summary>
    public bool IsLaidOut => _json is not null;

    /// <summary>This prediction with its record laid out; throws what the layout throws.</summary>
    public LoggedPrediction LaidOut() => _json is not null ? this : new LoggedPrediction(_deferred!, PredictionRecordWriter.ToUtf8(_deferred!));

    /// <summary>
    /// Lays the record out now, unless it is large. The logger calls this on the request's own thread, while the
    /// request's tensors are still in its core's cache: done on the writer thread tens of milliseconds later,
    /// every object the record points to is a cache miss, which made the same work two to three times slower.
    /// </summary>
    public static LoggedPrediction Of(InferenceRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var values = Values(record.Request.Inputs) + (record.Response is { } response ? Values(response.Outputs) : 0);
        return new LoggedPrediction(record, values <= MaxValuesLaidOutOnRequest ? PredictionRecordWriter.ToUtf8(record) : null);
    }

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
