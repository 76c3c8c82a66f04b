using System.IO.Compression;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.Options;

namespace Serving.Gateway.Rest.Http;

/// <summary>
/// REST answers compressed when the client asks (<c>Accept-Encoding</c>: gzip, deflate or br, as tritonclient's
/// <c>response_compression_algorithm</c> and most HTTP libraries send), for bodies of <see cref="MinimumBytes"/> or
/// more: JSON and CSV answers, binary tensor data and <c>/metrics</c>. gRPC answers are not touched (gRPC has its own
/// message compression).
/// </summary>
/// <remarks>
/// Python's <c>requests</c> asks for gzip on every call, so a single-row answer (a few hundred bytes) would otherwise
/// pay a compressor's start-up (its buffers are larger than the answer) to save almost nothing.
/// </remarks>
internal static class AnswerCompression
{
    /// <summary>Answers shorter than this go out as they are, whatever the client accepts.</summary>
    public const int MinimumBytes = 1024;

    private static readonly string[] MimeTypes = ["application/json", "text/csv", "application/octet-stream", "text/plain"];

    public static IServiceCollection AddAnswerCompression(this IServiceCollection services)
    {
        services.AddResponseCompression(options =>
        {
            // Over TLS too: no answer carries a secret beside text a caller controls (webhook secrets are never
            // shown back), so compressed lengths give a BREACH-style attacker nothing to recover.
            options.EnableForHttps = true;
            options.MimeTypes = MimeTypes;
            options.Providers.Add<BrotliCompressionProvider>();
            options.Providers.Add<GzipCompressionProvider>();
            options.Providers.Add<DeflateCompressionProvider>();
        });

        // Fastest: answers are small and latency counts more than the last few percent of size.
        services.Configure<GzipCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest);
        services.Configure<BrotliCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest);
        services.AddSingleton<IResponseCompressionProvider, LargeAnswersOnly>();
        return services;
    }

    /// <summary>The framework's choice of encoding, refused for answers known to be shorter than <see cref="MinimumBytes"/>.</summary>
    private sealed class LargeAnswersOnly(IServiceProvider services, IOptions<ResponseCompressionOptions> options)
        : ResponseCompressionProvider(services, options)
    {
        public override bool ShouldCompressResponse(HttpContext context) =>
            context.Response.ContentLength is not < MinimumBytes && base.ShouldCompressResponse(context);
    }

    /// <summary>HTTP's <c>deflate</c>: the zlib format (RFC 1950), which the framework does not offer itself.</summary>
    private sealed class DeflateCompressionProvider : ICompressionProvider
    {
        public string EncodingName => "deflate";

        public bool SupportsFlush => true;

        public Stream CreateStream(Stream outputStream) => new ZLibStream(outputStream, CompressionLevel.Fastest, leaveOpen: true);
    }
}
