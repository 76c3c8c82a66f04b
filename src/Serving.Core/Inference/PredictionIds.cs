namespace Serving.Core.Inference;

/// <summary>
/// What a prediction id may be, wherever one comes in: a request's <c>id</c> on infer (which becomes the prediction
/// id) and the ids of feedback. The gateway's own ids are 32 hex digits; a caller's own id must be 1 to
/// <c>Serving:Limits:MaxIdLength</c> (<see cref="DefaultMaxLength"/> by default) visible ASCII characters (0x21 to
/// 0x7E), so it fits any header, log line and answer as it is, and a flood of them cannot pin more than a bounded
/// amount of memory each.
/// </summary>
public static class PredictionIds
{
    /// <summary>The longest id accepted unless <c>Serving:Limits:MaxIdLength</c> says otherwise.</summary>
    public const int DefaultMaxLength = 128;

    /// <summary>The setting that bounds an id's length, as error messages name it.</summary>
    public const string LengthKey = RequestLimits.SectionName + ":" + nameof(RequestLimits.MaxIdLength);

    /// <summary>How the rule reads in an error message.</summary>
    public static string Rule(int maxLength) =>
        $"1 to {maxLength} visible ASCII characters (0x21 to 0x7E: no spaces or control characters; {LengthKey})";

    /// <summary>Whether <paramref name="id"/> is 1 to <paramref name="maxLength"/> characters, each from 0x21 to 0x7E.</summary>
    public static bool IsValid(string? id, int maxLength = DefaultMaxLength) =>
        id is { Length: > 0 } && id.Length <= maxLength && !id.AsSpan().ContainsAnyExceptInRange('\u0021', '\u007E');
}
