namespace Serving.Core.Events.Signing;

/// <summary>Why a webhook was not accepted.</summary>
public enum WebhookVerificationFailure
{
    /// <summary>Accepted.</summary>
    None,

    /// <summary>A <c>webhook-id</c>, <c>webhook-timestamp</c> or <c>webhook-signature</c> header is missing or empty.</summary>
    MissingHeader,

    /// <summary><c>webhook-timestamp</c> is not whole unix seconds.</summary>
    MalformedTimestamp,

    /// <summary>The timestamp is further from now than the tolerance (a replay or a badly skewed clock).</summary>
    TimestampOutsideTolerance,

    /// <summary>No <c>v1</c> signature in the header matches the body under the secret.</summary>
    SignatureMismatch,
}

/// <summary>The outcome of verifying one webhook: accepted, or the reason and a message a person can act on.</summary>
public sealed record WebhookVerification(WebhookVerificationFailure Failure, string? Message)
{
    /// <summary>The accepted outcome.</summary>
    public static WebhookVerification Valid { get; } = new(WebhookVerificationFailure.None, null);

    /// <summary>True when the webhook is authentic and fresh.</summary>
    public bool IsValid => Failure == WebhookVerificationFailure.None;

    internal static WebhookVerification Fail(WebhookVerificationFailure failure, string message) => new(failure, message);
}
