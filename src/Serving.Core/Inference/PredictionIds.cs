namespace Serving.Core.Inference;

/// <summary>
/// What a prediction id may be, wherever one comes in: a request's <c>id</c> on infer (which becomes the prediction
/// id) and the ids of feedback. The gateway's own ids are 32 hex digits; a caller's own id must be 1 to
/// <see cref="MaxLength"/> visible ASCII characters (0x21 to 0x7E), so it fits any header, log line and answer as it
/// is, and a flood of them cannot pin more than a bounded amount of memory each.
/// </summary>
public static class PredictionIds
{
    /// <summary>The longest id accepted.</summary>
    public const int MaxLength = 128;

    /// <summary>How the rule reads in an error message.</summary>
    public const string Rule = "1 to 128 visible ASCII characters (no spaces or control characters)";

    /// <summary>Whether <paramref name="id"/> is 1 to <see cref="MaxLength"/> characters, each from 0x21 to 0x7E.</summary>
    public static bool IsValid(string? id) => id is { Length: > 0 and <= MaxLength } && !id.AsSpan().ContainsAnyExceptInRange('\u0021', '\u007E');
}
