using System.Text.Encodings.Web;
using System.Text.Json;
using Serving.Core.Routing;

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

    /// <summary>The error body every admin and repository endpoint writes.</summary>
    public sealed record ErrorBody(string Error);
}
