using Microsoft.AspNetCore.RequestDecompression;

namespace Serving.Gateway.Rest.Http;

/// <summary>
/// ASP.NET Core's request decompression, with one kind of failure for every encoding. GZip and Deflate report a body
/// that does not decompress as <see cref="InvalidDataException"/>, but Brotli as <see cref="InvalidOperationException"/>,
/// which every body reader would otherwise have to tell apart from the server's own bugs. Here each provider's stream
/// turns the decoder's failures into <see cref="InvalidDataException"/>, so a reader catches that one type
/// (<see cref="RequestBody.Undecodable"/>) and a corrupt br body is a 400 like a corrupt gzip one. A gzip body must also
/// end with its trailer (<see cref="GzipTrailer"/>), which .NET does not insist on.
/// </summary>
internal static class StrictDecompression
{
    /// <summary>Request decompression (gzip, deflate, br) whose failures all reach handlers as <see cref="InvalidDataException"/>.</summary>
    public static IServiceCollection AddStrictRequestDecompression(this IServiceCollection services) =>
        services.AddRequestDecompression(options =>
        {
            foreach (var (encoding, provider) in options.DecompressionProviders.ToList())
            {
                var gzip = string.Equals(encoding, "gzip", StringComparison.OrdinalIgnoreCase);
                options.DecompressionProviders[encoding] = new Provider(provider, gzip);
            }
        });

    private sealed class Provider(IDecompressionProvider inner, bool gzip) : IDecompressionProvider
    {
        public Stream GetDecompressionStream(Stream stream)
        {
            var trailer = gzip ? new GzipTrailer() : null;
            var source = new SourceStream(stream, trailer);
            return new DecoderStream(inner.GetDecompressionStream(source), source, trailer);
        }
    }

    /// <summary>
    /// The compressed body as Kestrel gives it. It notes that a read threw, so that what the body itself threw (a
    /// client gone, a sync read where only async is allowed) passes the decoder unchanged: only the decoder's own
    /// failures mean the bytes do not decompress.
    /// </summary>
    private sealed class SourceStream(Stream body, GzipTrailer? trailer) : ReadOnlyFilterStream(body, ownsInner: false)
    {
        public bool Faulted { get; private set; }

        protected override Exception? Replace(Exception exception)
        {
            Faulted = true;
            return null;
        }

        protected override void Observe(ReadOnlySpan<byte> read, bool end) => trailer?.Compressed(read, end);
    }

    /// <summary>The decompressed body: a decoder's <see cref="InvalidOperationException"/> (Brotli's bad data) becomes <see cref="InvalidDataException"/>.</summary>
    private sealed class DecoderStream(Stream decoder, SourceStream source, GzipTrailer? trailer) : ReadOnlyFilterStream(decoder, ownsInner: true)
    {
        protected override Exception? Replace(Exception exception) =>
            exception is InvalidOperationException && !source.Faulted ? new InvalidDataException(exception.Message, exception) : null;

        protected override void Observe(ReadOnlySpan<byte> read, bool end) => trailer?.Decompressed(read, end);
    }
}
