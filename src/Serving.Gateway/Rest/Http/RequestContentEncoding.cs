using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.RequestDecompression;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Serving.Core.Contracts;
using Serving.Gateway.Rest.Mlflow;
using Serving.Gateway.Rest.Oip;

namespace Serving.Gateway.Rest.Http;

/// <summary>
/// Answers 415 to a request body in a content coding the gateway does not decode (RFC 9110 §8.4.1), in the format of
/// the protocol the path belongs to. ASP.NET Core's request decompression passes such a body on as if it were
/// identity, and its parser then calls it malformed (400), which sends the caller looking in the wrong place. It
/// decodes exactly one coding it has a provider for, so a stacked list (<c>gzip, gzip</c>) is refused here as well
/// rather than half decoded.
/// </summary>
internal static class RequestContentEncoding
{
    private const string Identity = "identity";

    /// <summary>Refuses unsupported codings ahead of <c>UseRequestDecompression</c>, whose providers say what is supported.</summary>
    public static IApplicationBuilder UseContentEncodingCheck(this IApplicationBuilder app)
    {
        // The same dictionary the decompression middleware looks codings up in, so the two agree on case and names.
        var providers = app.ApplicationServices.GetRequiredService<IOptions<RequestDecompressionOptions>>().Value.DecompressionProviders;
        var supported = string.Join(", ", providers.Keys.Order(StringComparer.Ordinal).Prepend(Identity));
        return app.Use((context, next) =>
        {
            // The common case, no Content-Encoding, reads one header field and allocates nothing.
            var encoding = context.Request.Headers.ContentEncoding;
            if (StringValues.IsNullOrEmpty(encoding) || IsDecoded(encoding, providers) || !HasBody(context) || IsGrpc(context.Request))
            {
                return next(context);
            }

            return RefuseAsync(context, encoding, supported);
        });
    }

    private static bool IsDecoded(StringValues encoding, IDictionary<string, IDecompressionProvider> providers) =>
        encoding.Count == 1
        && (string.Equals(encoding[0], Identity, StringComparison.OrdinalIgnoreCase) || providers.ContainsKey(encoding[0]!));

    // A GET that carries the header but no body has nothing to decode.
    private static bool HasBody(HttpContext context) =>
        context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? true;

    // gRPC compresses messages with grpc-encoding, and its clients expect gRPC status codes, not a JSON 415.
    private static bool IsGrpc(HttpRequest request) =>
        request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true;

    private static Task RefuseAsync(HttpContext context, StringValues encoding, string supported)
    {
        var value = encoding.ToString();
        var message = value.Contains(',', StringComparison.Ordinal)
            ? $"the request body's Content-Encoding '{value}' stacks several codings, which the gateway does not decode; send one of: {supported}"
            : $"the request body's Content-Encoding '{value}' is not supported; send one of: {supported}";

        // RFC 9110 §12.5.3: a 415 for a content coding names the acceptable ones in Accept-Encoding.
        context.Response.Headers.AcceptEncoding = supported;
        var path = context.Request.Path.Value;
        if (string.Equals(path, "/invocations", StringComparison.OrdinalIgnoreCase))
        {
            RefusedRequests.Count(context.RequestServices, null, null, MlflowRequestDecoder.Protocol, InferenceErrorKind.BadRequest);
            return MlflowResponses.WriteErrorAsync(context, StatusCodes.Status415UnsupportedMediaType, MlflowErrorCodes.BadRequest, message);
        }

        if (OipInferPath.TryMatch(path, out var model, out var version))
        {
            RefusedRequests.Count(context.RequestServices, model, version, "rest", InferenceErrorKind.BadRequest);
        }

        // OIP, the monitoring endpoints, admin and the repository API all answer errors as {"error": "..."}.
        return OipErrors.WriteAsync(context, StatusCodes.Status415UnsupportedMediaType, message);
    }
}
