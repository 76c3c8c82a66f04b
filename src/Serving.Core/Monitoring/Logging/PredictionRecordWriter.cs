using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Serving.Core.Inference;
using Serving.Core.Routing;

namespace Serving.Core.Monitoring.Logging;

/// <summary>
/// One prediction as a JSON object: id, time, model, version, route, protocol, latency, and every input and
/// output as {name: {datatype, shape, data}} with flat row-major data, which pandas reads with
/// <c>pd.read_json(path, lines=True)</c>.
/// </summary>
/// <remarks>
/// Every served request passes through here, so the record is laid out as bytes directly rather than through
/// <see cref="Utf8JsonWriter"/>, whose per-call bookkeeping cost as much as the content: the structure is fixed,
/// property names are constants, and strings that need no escaping (nearly all) are copied as they are. Tensor
/// data other than FP32 still goes through the writer and <see cref="TensorJsonWriter"/>. One instance per sink:
/// it is not thread-safe.
/// </remarks>
public sealed class PredictionRecordWriter
{
    private static readonly JsonWriterOptions ValueOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    // What the relaxed encoder leaves as it is: printable ASCII other than the quote and the backslash.
    private static readonly SearchValues<char> Verbatim =
        SearchValues.Create([.. Enumerable.Range(0x20, 0x7F - 0x20).Select(c => (char)c).Where(c => c is not ('"' or '\\'))]);

    private static readonly byte[][] RouteNames =
        [.. Enum.GetNames<RouteKind>().Select(n => Encoding.UTF8.GetBytes($"\"{n.ToLowerInvariant()}\""))];

    private static readonly byte[][] DataTypeNames =
        [.. Enum.GetValues<TensorDataType>().Select(t => Encoding.UTF8.GetBytes($"{{\"datatype\":\"{t.ToProtocolName()}\",\"shape\":["))];

    private readonly Utf8JsonWriter _values = new(Stream.Null, ValueOptions);

    /// <summary>Appends the record (no line break) to <paramref name="output"/>.</summary>
    public void Write(IBufferWriter<byte> output, InferenceRecord record)
    {
        Raw(output, "{\"id\":"u8);
        String(output, record.Response?.Id ?? record.Request.Id);
        Raw(output, ",\"timestamp\":"u8);
        Timestamp(output, record.StartedAt.UtcDateTime);
        Raw(output, ",\"model\":"u8);
        String(output, record.Model);
        Raw(output, ",\"version\":"u8);
        Number(output, record.Version);
        Raw(output, ",\"route\":"u8);
        Raw(output, RouteNames[(int)record.Route]);
        Raw(output, ",\"protocol\":"u8);
        String(output, record.Protocol);
        Raw(output, ",\"latencyMs\":"u8);
        Milliseconds(output, record.Latency);
        if (record.Error is { } error)
        {
            Raw(output, ",\"error\":"u8);
            String(output, error.ToString());
        }

        Raw(output, ",\"inputs\":"u8);
        Tensors(output, record.Request.Inputs);
        if (record.Response is { } response)
        {
            Raw(output, ",\"outputs\":"u8);
            Tensors(output, response.Outputs);
        }

        Raw(output, "}"u8);
    }

    private void Tensors(IBufferWriter<byte> output, IReadOnlyList<Tensor> tensors)
    {
        Raw(output, "{"u8);
        for (var i = 0; i < tensors.Count; i++)
        {
            var tensor = tensors[i];
            if (i > 0)
            {
                Raw(output, ","u8);
            }

            String(output, tensor.Name);
            Raw(output, ":"u8);
            Raw(output, DataTypeNames[(int)tensor.DataType]);
            for (var d = 0; d < tensor.Shape.Length; d++)
            {
                if (d > 0)
                {
                    Raw(output, ","u8);
                }

                Number(output, tensor.Shape[d]);
            }

            Raw(output, "],\"data\":"u8);
            Data(output, tensor);
            Raw(output, "}"u8);
        }

        Raw(output, "}"u8);
    }

    private void Data(IBufferWriter<byte> output, Tensor tensor)
    {
        if (tensor.DataType == TensorDataType.FP32)
        {
            var values = tensor.AsSpan<float>();
            var span = output.GetSpan(TensorJsonWriter.MaxArrayBytes(values.Length));
            output.Advance(TensorJsonWriter.FormatArray(values, span));
            return;
        }

        // Other types are rare in logs; the writer appends a complete array to the same buffer.
        _values.Reset(output);
        TensorJsonWriter.WriteFlat(_values, tensor);
        _values.Flush();
    }

    private static void String(IBufferWriter<byte> output, string? value)
    {
        if (value is null)
        {
            Raw(output, "null"u8);
            return;
        }

        if (!value.AsSpan().ContainsAnyExcept(Verbatim))
        {
            var span = output.GetSpan(value.Length + 2);
            span[0] = (byte)'"';
            var length = Encoding.ASCII.GetBytes(value, span[1..]);
            span[length + 1] = (byte)'"';
            output.Advance(length + 2);
            return;
        }

        Raw(output, "\""u8);
        Raw(output, JsonEncodedText.Encode(value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).EncodedUtf8Bytes);
        Raw(output, "\""u8);
    }

    /// <summary>ISO 8601 with the fraction's trailing zeros dropped, as <see cref="Utf8JsonWriter"/> writes times.</summary>
    private static void Timestamp(IBufferWriter<byte> output, DateTime utc)
    {
        var span = output.GetSpan(40);
        span[0] = (byte)'"';
        Utf8Formatter.TryFormat(utc, span[1..], out var written, new StandardFormat('O'));

        // "yyyy-MM-ddTHH:mm:ss.fffffffZ": trim the fraction's zeros, and its point when nothing is left.
        var end = written; // index of 'Z' within span[1..] is written - 1
        var fractionEnd = end - 1;
        var last = fractionEnd;
        while (last > 0 && span[last] == (byte)'0')
        {
            last--;
        }

        if (span[last] == (byte)'.')
        {
            last--;
        }

        span[last + 1] = (byte)'Z';
        span[last + 2] = (byte)'"';
        output.Advance(last + 3);
    }

    /// <summary>Milliseconds to four decimals: a tick is 0.0001 ms, so the text is the tick count with a point.</summary>
    private static void Milliseconds(IBufferWriter<byte> output, TimeSpan latency)
    {
        var ticks = Math.Max(latency.Ticks, 0);
        var whole = ticks / TimeSpan.TicksPerMillisecond;
        var fraction = (int)(ticks % TimeSpan.TicksPerMillisecond);
        Number(output, whole);
        if (fraction == 0)
        {
            return;
        }

        var decimals = 4;
        while (fraction % 10 == 0)
        {
            fraction /= 10;
            decimals--;
        }

        var span = output.GetSpan(8);
        span[0] = (byte)'.';
        Utf8Formatter.TryFormat(fraction, span[1..], out var written, new StandardFormat('D', (byte)decimals));
        output.Advance(written + 1);
    }

    private static void Number(IBufferWriter<byte> output, long value)
    {
        var span = output.GetSpan(20);
        Utf8Formatter.TryFormat(value, span, out var written);
        output.Advance(written);
    }

    private static void Raw(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(output.GetSpan(bytes.Length));
        output.Advance(bytes.Length);
    }
}
