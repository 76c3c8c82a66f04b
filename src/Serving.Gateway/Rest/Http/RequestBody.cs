using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;
using Serving.Core.Inference;

namespace Serving.Gateway.Rest.Http;

/// <summary>
/// Reads a whole request body into one contiguous buffer, so parsers can take slices of it. Kestrel enforces
/// <c>MaxRequestBodySize</c> while this reads; a body over it ends in <see cref="InferenceErrorKind.PayloadTooLarge"/>.
/// </summary>
internal static class RequestBody
{
    /// <summary>Reads the body; the caller must return the lease.</summary>
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
        catch (BadHttpRequestException e)
        {
            throw Refusal(request, e);
        }
    }

    /// <summary>
    /// What Kestrel's refusal of a body means to the data plane's callers: over <c>MaxRequestBodySize</c> is
    /// <see cref="InferenceErrorKind.PayloadTooLarge"/> (413, RESOURCE_EXHAUSTED, outcome <c>too_large</c>);
    /// anything else wrong with the body (cut short, bad framing) is a bad request.
    /// </summary>
    public static InferenceException Refusal(HttpRequest request, BadHttpRequestException exception)
    {
        if (exception.StatusCode != StatusCodes.Status413PayloadTooLarge)
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
