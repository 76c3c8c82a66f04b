namespace Serving.Core.Contracts;

/// <summary>Why a request failed, independent of protocol; transports map it to a status code.</summary>
public enum InferenceErrorKind
{
    /// <summary>The request is malformed or does not match the model's signature (400, INVALID_ARGUMENT).</summary>
    BadRequest,

    /// <summary>The model or version does not exist (404, NOT_FOUND).</summary>
    NotFound,

    /// <summary>The model exists but no version can serve now (503, UNAVAILABLE).</summary>
    Unavailable,

    /// <summary>The request body is over the configured limit (413, RESOURCE_EXHAUSTED).</summary>
    PayloadTooLarge,

    /// <summary>The runtime failed on input that passed validation (500, INTERNAL).</summary>
    Internal,
}
