using Serving.Core.Contracts;

namespace Serving.Gateway.Rest.Http;

/// <summary>HTTP status codes for data-plane failures; each REST protocol writes them in its own body format.</summary>
internal static class ErrorStatus
{
    public static int Of(InferenceErrorKind kind) => kind switch
    {
        InferenceErrorKind.BadRequest => StatusCodes.Status400BadRequest,
        InferenceErrorKind.NotFound => StatusCodes.Status404NotFound,
        InferenceErrorKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
        InferenceErrorKind.PayloadTooLarge => StatusCodes.Status413PayloadTooLarge,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>The failure kind of an HTTP status a transport answered on its own (for the request metrics).</summary>
    public static InferenceErrorKind KindOf(int status) => status switch
    {
        StatusCodes.Status404NotFound => InferenceErrorKind.NotFound,
        StatusCodes.Status413PayloadTooLarge => InferenceErrorKind.PayloadTooLarge,
        StatusCodes.Status503ServiceUnavailable => InferenceErrorKind.Unavailable,
        >= 400 and < 500 => InferenceErrorKind.BadRequest,
        _ => InferenceErrorKind.Internal,
    };
}
