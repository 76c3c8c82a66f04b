using System.Text;
using System.Text.Json;

namespace Serving.Core.Monitoring.Logging;

/// <summary>
/// Tells a record that can never be written (dropped and counted by reason) from a sink that cannot write just now
/// (a full disk, Redis away: the batch is held and retried with back-off). Retrying the first kind would hold every
/// later record behind it forever.
/// </summary>
public static class PredictionWriteFailure
{
    /// <summary>The record's path (its model's folder) is longer than the file system allows.</summary>
    public const string PathTooLong = "path_too_long";

    /// <summary>The record's model name or path is not valid there (a sink refused the argument).</summary>
    public const string InvalidName = "invalid_name";

    /// <summary>The record could not be laid out or encoded.</summary>
    public const string Serialization = "serialization";

    /// <summary>Every reason, in a fixed order (the label values of the drop counter).</summary>
    public static IReadOnlyList<string> Reasons { get; } = [PathTooLong, InvalidName, Serialization];

    /// <summary>Why the failure is permanent for the records it hit, or null when it may pass and is worth a retry.</summary>
    public static string? PermanentReason(Exception exception) => exception switch
    {
        PathTooLongException => PathTooLong,
        ArgumentException or NotSupportedException => InvalidName,
        JsonException or EncoderFallbackException => Serialization,
        _ => null,
    };
}
