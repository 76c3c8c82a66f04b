using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using Serving.Core.Contracts;
using Serving.Gateway.Grpc.Codecs;

namespace Serving.Gateway.Rest.Oip;

/// <summary>
/// Writes an inference answer in Triton's binary tensor data layout: the JSON response, whose binary outputs carry
/// <c>parameters.binary_data_size</c> instead of <c>data</c>, then those outputs' raw bytes in output order, copied
/// from each output tensor straight into the response. <c>Inference-Header-Content-Length</c> gives the JSON's length.
/// </summary>
internal static class OipBinaryResponseWriter
{
    private const string ContentType = "application/octet-stream";

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>Sends <paramref name="inference"/> with status 200, the outputs <paramref name="binary"/> names as raw bytes.</summary>
    public static Task WriteAsync(HttpResponse response, InferenceResponse inference, OipBinaryOutputs binary)
    {
        // Everything is copied into the response's pipe before the first await, so this thread's buffer is free again
        // when the method returns, whichever thread the flush ends on.
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        var writer = t_writer ??= new Utf8JsonWriter(buffer, OipJsonResponseWriter.RelaxedOptions);
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        OipJsonResponseWriter.WriteInferResponse(writer, inference, binary);
        writer.Flush();

        long length = buffer.WrittenCount;
        foreach (var output in inference.Outputs)
        {
            if (binary.IsBinary(output.Name))
            {
                length += BytesElementFraming.RawSize(output);
            }
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentType;
        response.Headers[OipBinaryRequestReader.HeaderName] = buffer.WrittenCount.ToString(CultureInfo.InvariantCulture);
        response.ContentLength = length;

        var body = response.BodyWriter;
        body.Write(buffer.WrittenSpan);
        foreach (var output in inference.Outputs)
        {
            if (!binary.IsBinary(output.Name))
            {
                continue;
            }

            if (output.Elements is { } elements)
            {
                foreach (var element in elements)
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(body.GetSpan(sizeof(uint)), (uint)element.Length);
                    body.Advance(sizeof(uint));
                    body.Write(element);
                }
            }
            else
            {
                // Canonical tensors are little-endian row-major, the wire's own layout: the bytes go as they are.
                body.Write(output.Data);
            }
        }

        var flush = body.FlushAsync();
        return flush.IsCompletedSuccessfully ? Task.CompletedTask : flush.AsTask();
    }
}
