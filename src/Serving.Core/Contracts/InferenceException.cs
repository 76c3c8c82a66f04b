namespace Serving.Core.Contracts;

/// <summary>A failure the caller should see, with a message that says what was expected.</summary>
public sealed class InferenceException : Exception
{
    public InferenceException(InferenceErrorKind kind, string message, Exception? inner = null)
        : base(message, inner) => Kind = kind;

    public InferenceException()
        : this(InferenceErrorKind.Internal, "inference failed")
    {
    }

    public InferenceException(string message)
        : this(InferenceErrorKind.Internal, message)
    {
    }

    public InferenceException(string message, Exception innerException)
        : this(InferenceErrorKind.Internal, message, innerException)
    {
    }

    /// <summary>The protocol-independent failure kind.</summary>
    public InferenceErrorKind Kind { get; }

    /// <summary>
    /// The version routing had chosen when the request failed (transports report it in <c>X-Model-Version</c>);
    /// null when the request failed before a version was chosen.
    /// </summary>
    public string? ModelVersion { get; internal set; }

    public static InferenceException BadRequest(string message) => new(InferenceErrorKind.BadRequest, message);

    public static InferenceException NotFound(string message) => new(InferenceErrorKind.NotFound, message);

    public static InferenceException Unavailable(string message) => new(InferenceErrorKind.Unavailable, message);

    public static InferenceException PayloadTooLarge(string message) => new(InferenceErrorKind.PayloadTooLarge, message);
}
