using System.Text.Encodings.Web;
using System.Text.Json;
using Serving.Core.Contracts;
using Serving.Core.Routing;
using Serving.Gateway.Rest.Http;

namespace Serving.Gateway.Rest.Admin;

/// <summary>Admin JSON: camelCase, apostrophes unescaped in messages, errors as <c>{"error": "..."}</c>.</summary>
internal static class AdminResults
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static IResult Ok(object value) => Results.Json(value, Json);

    public static IResult Error(int status, string message) =>
        Results.Json(new ErrorBody(message), Json, statusCode: status);

    public static IResult Of(DeploymentException exception) => Error(exception.Kind switch
    {
        DeploymentErrorKind.Invalid => StatusCodes.Status400BadRequest,
        DeploymentErrorKind.NotFound => StatusCodes.Status404NotFound,
        _ => StatusCodes.Status409Conflict,
    }, exception.Message);

    /// <summary>
    /// The answer to a body that could not be read: over the size limit 413; bad framing such as an overflowing chunk
    /// size, or a Content-Encoding body that does not decompress, 400. Null when the exception is none of those (the
    /// caller went away, or it is not about the body), for the caller to let through.
    /// </summary>
    public static IResult? BodyRefused(HttpRequest request, Exception exception)
    {
        // Request decompression runs for every route, so admin bodies can fail to decompress too.
        var refusal = exception switch
        {
            InvalidDataException undecodable => RequestBody.Undecodable(undecodable),
            IOException io when RequestBody.IsRefusal(request, io) => RequestBody.Refusal(request, io),
            _ => null,
        };
        return refusal is null ? null : Error(ErrorStatus.Of(refusal.Kind), refusal.Message);
    }

    /// <summary>
    /// Reads an admin request's JSON body as <typeparamref name="T"/>, or the answer that refuses it: 400 with
    /// <paramref name="malformed"/> and the parser's problem for bad JSON, 413 or 400 for a body that could not be read
    /// (<see cref="BodyRefused"/>).
    /// A caller that went away still throws. An empty JSON <c>null</c> reads as a null value, for the caller to judge.
    /// </summary>
    public static async Task<(T? Value, IResult? Refusal)> ReadJsonAsync<T>(HttpContext context, string malformed)
        where T : class
    {
        try
        {
            return (await JsonSerializer.DeserializeAsync<T>(context.Request.Body, Json, context.RequestAborted).ConfigureAwait(false), null);
        }
        catch (JsonException ex)
        {
            return (null, Error(StatusCodes.Status400BadRequest, $"{malformed}: {JsonProblem(ex)}"));
        }
        catch (Exception ex) when (BodyRefused(context.Request, ex) is { } refused)
        {
            return (null, refused);
        }
    }

    /// <summary>A JSON error as an answer shows it: the serializer's message names the path, which is the caller's text.</summary>
    public static string JsonProblem(JsonException exception) => CallerText.Cut(exception.Message, 256);

    /// <summary>The error body every admin and repository endpoint writes.</summary>
    public sealed record ErrorBody(string Error);
}
