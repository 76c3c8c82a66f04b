using System.Buffers;
using System.Text.Json;
using Serving.Gateway.Rest.Oip;

namespace Serving.Gateway.Rest.Http;

/// <summary>
/// Writes JSON responses from a per-thread buffer and writer, with Content-Length set so Kestrel need not
/// chunk. Writers are reset, never reallocated, so a response costs no writer allocation.
/// </summary>
internal static class JsonResponse
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>Serializes with <paramref name="write"/> and sends the bytes with the given status.</summary>
    public static Task WriteAsync<TState>(HttpResponse response, int status, TState state, Action<Utf8JsonWriter, TState> write)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(4096);
        var writer = t_writer ??= new Utf8JsonWriter(buffer, OipJsonResponseWriter.RelaxedOptions);
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        write(writer, state);
        writer.Flush();

        // The continuation may resume on another thread, so the bytes leave this thread's buffer first
        // unless the write completes synchronously (the common case for small bodies).
        response.StatusCode = status;
        response.ContentType = "application/json";
        response.ContentLength = buffer.WrittenCount;
        var pending = response.Body.WriteAsync(buffer.WrittenMemory);
        if (pending.IsCompletedSuccessfully)
        {
            return Task.CompletedTask;
        }

        return CompleteAsync(pending, buffer);
    }

    private static async Task CompleteAsync(ValueTask pending, ArrayBufferWriter<byte> buffer)
    {
        // Another request on this thread would reuse the buffer while the write is pending: detach it.
        t_buffer = null;
        t_writer = null;
        await pending;
        GC.KeepAlive(buffer);
    }
}
