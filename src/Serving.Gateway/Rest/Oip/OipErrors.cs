using System.Text.Json;
using Serving.Core.Contracts;
using Serving.Gateway.Rest.Http;

namespace Serving.Gateway.Rest.Oip;

/// <summary>OIP REST error bodies: <c>{"error": "..."}</c> with the matching status.</summary>
internal static class OipErrors
{
    private const string LimitKey = "Kestrel:Limits:MaxRequestBodySize";

    public static bool TryDescribe(Exception exception, out int status, out string message)
    {
        switch (exception)
        {
            case InferenceException inference:
                status = ErrorStatus.Of(inference.Kind);
                message = inference.Message;
                return true;
            case JsonException json:
                status = StatusCodes.Status400BadRequest;
                message = $"malformed JSON: {json.Message}";
                return true;
            case BadHttpRequestException bad:
                status = bad.StatusCode;
                // RequestBody's refusals already say why and name the limit; Kestrel's own 413 does not name the key.
                message = bad.StatusCode == StatusCodes.Status413PayloadTooLarge && !bad.Message.Contains(LimitKey, StringComparison.Ordinal)
                    ? $"request body is larger than the configured limit ({LimitKey})"
                    : bad.Message;
                return true;
            default:
                status = 0;
                message = string.Empty;
                return false;
        }
    }

    /// <summary>The failure kind of an exception <see cref="TryDescribe"/> accepts, for the request metrics.</summary>
    public static InferenceErrorKind KindOf(Exception exception) => exception switch
    {
        InferenceException inference => inference.Kind,
        BadHttpRequestException bad => ErrorStatus.KindOf(bad.StatusCode),
        _ => InferenceErrorKind.BadRequest,
    };

    public static Task WriteAsync(HttpContext context, int status, string message)
    {
        if (context.Response.HasStarted)
        {
            return Task.CompletedTask;
        }

        return JsonResponse.WriteAsync(context.Response, status, message, static (w, m) =>
        {
            w.WriteStartObject();
            w.WriteString("error", m);
            w.WriteEndObject();
        });
    }
}
