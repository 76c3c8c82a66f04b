using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;
using Serving.Core.Contracts;

namespace Serving.Gateway.Rest.Http;

/// <summary>
/// Reads a whole request body into one contiguous buffer, so parsers can take slices of it, and says what a body
/// Kestrel would not read means to the caller. Kestrel enforces <c>MaxRequestBodySize</c> while this reads (413);
/// bad framing (a chunk size that overflows, a body cut short) is the caller's fault too (400), never a 500.
/// </summary>
internal static class RequestBody
{
    /// <summary>
    /// Reads the body; the caller must return the lease. A body Kestrel refuses ends in a
    /// <see cref="BadHttpRequestException"/> with status 400 or 413 and a message that says why, whatever Kestrel threw.
    /// </summary>
    public static async ValueTask<BodyLease> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var reader = request.BodyReader;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken);
                if (result.IsCompleted || result.IsCanceled)
                {
                    var lease = BodyLease.CopyOf(result.Buffer);
                    reader.AdvanceTo(result.Buffer.End);
                    return lease;
                }

                // Keep everything buffered until the body is complete.
                reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            }
        }
        catch (IOException e) when (IsRefusal(request, e))
        {
            var refusal = Refusal(request, e);
            throw new BadHttpRequestException(refusal.Message, ErrorStatus.Of(refusal.Kind), e);
        }
        catch (InvalidDataException e)
        {
            var refusal = Undecodable(e);
            throw new BadHttpRequestException(refusal.Message, ErrorStatus.Of(refusal.Kind), e);
        }
    }

    /// <summary>
    /// A body sent with <c>Content-Encoding</c> gzip, deflate or br that does not decompress is the caller's fault
    /// (400), never a 500: the request decompression middleware reports it as <see cref="InvalidDataException"/>
    /// (for br too, through <see cref="StrictDecompression"/>).
    /// </summary>
    public static InferenceException Undecodable(InvalidDataException exception) =>
        new(InferenceErrorKind.BadRequest, $"the request body could not be decompressed (Content-Encoding): {exception.Message}", exception);

    /// <summary>
    /// Whether an exception from reading the body is Kestrel refusing it. Kestrel reports most framing errors as
    /// <see cref="BadHttpRequestException"/>, but an overflowing chunk size (<c>ffffffffffffffff</c>) as a plain
    /// <see cref="IOException"/>; a caller that went away (the request aborted) is neither, and no one hears an answer.
    /// </summary>
    public static bool IsRefusal(HttpRequest request, IOException exception) =>
        exception is BadHttpRequestException || !request.HttpContext.RequestAborted.IsCancellationRequested;

    /// <summary>
    /// What Kestrel's refusal of a body means to the data plane's callers: over <c>MaxRequestBodySize</c> is
    /// <see cref="InferenceErrorKind.PayloadTooLarge"/> (413, RESOURCE_EXHAUSTED, outcome <c>too_large</c>);
    /// anything else wrong with the body (cut short, bad framing) is a bad request.
    /// </summary>
    public static InferenceException Refusal(HttpRequest request, IOException exception)
    {
        if (exception is not BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
        {
            return new InferenceException(InferenceErrorKind.BadRequest, $"the request body could not be read: {exception.Message}", exception);
        }

        var limit = request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize;
        return new InferenceException(
            InferenceErrorKind.PayloadTooLarge,
            $"request body is larger than the configured limit{(limit is { } bytes ? $" of {bytes} bytes" : string.Empty)} (Kestrel:Limits:MaxRequestBodySize)",
            exception);
    }
}

/// <summary>A request body in a pooled array.</summary>
internal readonly struct BodyLease : IDisposable
{
    private readonly byte[] _array;

    private BodyLease(byte[] array, int length)
    {
        _array = array;
        Length = length;
    }

    public int Length { get; }

    public ReadOnlySpan<byte> Span => _array.AsSpan(0, Length);

    public ReadOnlyMemory<byte> Memory => _array.AsMemory(0, Length);

    public static BodyLease CopyOf(ReadOnlySequence<byte> sequence)
    {
        var length = checked((int)sequence.Length);
        var array = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        sequence.CopyTo(array);
        return new BodyLease(array, length);
    }

    public void Dispose()
    {
        if (_array is not null)
        {
            ArrayPool<byte>.Shared.Return(_array);
        }
    }
}
