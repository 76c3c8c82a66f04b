using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Serving.Gateway.Rest.Mlflow;

/// <summary>
/// A reusable buffer and JSON writer for one response, so Content-Length can be set before the body is sent
/// without allocating a writer per request. One is cached per thread; it is only held while writing
/// synchronously, never across an await.
/// </summary>
internal sealed class MlflowJsonBuffer
{
    /// <summary>Buffers that grew past this are not kept, so one huge answer does not pin memory.</summary>
    private const int MaxRetainedBytes = 256 * 1024;

    // Relaxed so messages keep their quotes readable ('x' rather than \u0027x\u0027); the body is JSON, not HTML.
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [ThreadStatic]
    private static MlflowJsonBuffer? cached;

    private readonly ArrayBufferWriter<byte> buffer = new(1024);

    private MlflowJsonBuffer() => Writer = new Utf8JsonWriter(buffer, Options);

    public Utf8JsonWriter Writer { get; }

    /// <summary>The JSON written so far (flushes the writer).</summary>
    public ReadOnlySpan<byte> WrittenSpan
    {
        get
        {
            Writer.Flush();
            return buffer.WrittenSpan;
        }
    }

    public static MlflowJsonBuffer Rent()
    {
        var rented = cached ?? new MlflowJsonBuffer();
        cached = null;
        return rented;
    }

    public static void Return(MlflowJsonBuffer rented)
    {
        if (rented.buffer.Capacity > MaxRetainedBytes)
        {
            return;
        }

        rented.Writer.Reset();
        rented.buffer.ResetWrittenCount();
        cached = rented;
    }
}
