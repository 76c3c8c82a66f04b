using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Serving.Core.Contracts;
using Serving.Core.Inference;

namespace Serving.Core.Monitoring.Logging;

/// <summary>
/// One prediction as a JSON object: id, time, model, version, route, protocol, latency, and every input and
/// output as {name: {datatype, shape, data}} with flat row-major data, which pandas reads with
/// <c>pd.read_json(path, lines=True)</c>.
/// </summary>
/// <remarks>
/// Every served request passes through here, so the record is laid out as bytes directly: the structure is
/// fixed, property names are constants, strings that need no escaping (nearly all) are copied as they are, and
/// the whole record goes into one span sized for its worst case, so there is one buffer call per record rather
/// than one per token (<see cref="Utf8JsonWriter"/>'s per-call bookkeeping cost as much as the content). Tensor
/// data other than FP32, INT64 and INT32 still goes through the writer and <see cref="TensorJsonWriter"/>. An
/// instance is not thread-safe; <see cref="ToUtf8"/> keeps one per thread.
/// </remarks>
public sealed class PredictionRecordWriter
{
    // A character escapes to at most six bytes (\uXXXX); an int64 is at most 20 characters.
    private const int MaxBytesPerChar = 6;
    private const int MaxNumberBytes = 20;

    // Property names, punctuation, version, time and latency of one record, with room to spare.
    private const int FixedBytes = 256;

    // The same per tensor: name quotes, datatype and shape prefix, "data" and braces.
    private const int FixedBytesPerTensor = 64;

    private static readonly JsonWriterOptions ValueOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    // What the relaxed encoder leaves as it is: printable ASCII other than the quote and the backslash.
    private static readonly SearchValues<char> Verbatim =
        SearchValues.Create([.. Enumerable.Range(0x20, 0x7F - 0x20).Select(c => (char)c).Where(c => c is not ('"' or '\\'))]);

    private static readonly byte[][] RouteNames =
        [.. Enum.GetNames<RouteKind>().Select(n => Encoding.UTF8.GetBytes($"\"{n.ToLowerInvariant()}\""))];

    private static readonly byte[][] DataTypeNames =
        [.. Enum.GetValues<TensorDataType>().Select(t => Encoding.UTF8.GetBytes($"{{\"datatype\":\"{t.ToProtocolName()}\",\"shape\":["))];

    // A thread's scratch buffer starts at this size; one that grew past RetainedScratchBytes for a very large record
    // is let go afterwards, so that one odd request does not leave a large buffer behind on a pool thread. Records of
    // batch requests (64 rows of 30 FP32 values reserve about 40 KB, as each value may take 21 bytes) keep theirs:
    // letting those go made every such record allocate and grow a new buffer, about 100 KB of garbage a record.
    private const int ScratchBytes = 16 * 1024;
    private const int RetainedScratchBytes = 256 * 1024;

    [ThreadStatic]
    private static PredictionRecordWriter? t_writer;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_scratch;

    private readonly Utf8JsonWriter _values = new(Stream.Null, ValueOptions);

    /// <summary>The record as UTF-8 JSON (no line break), in an array of its own; safe on any thread.</summary>
    public static byte[] ToUtf8(InferenceRecord record)
    {
        var scratch = LayOut(record);
        var json = scratch.WrittenSpan.ToArray();
        LetGoIfLarge(scratch);
        return json;
    }

    /// <summary>The record as UTF-8 JSON (no line break), copied into <paramref name="pages"/>; safe on any thread.</summary>
    internal static ReadOnlyMemory<byte> ToUtf8(InferenceRecord record, LogLinePages pages, out LogLinePage? page)
    {
        var scratch = LayOut(record);
        var json = pages.Copy(scratch.WrittenSpan, out page);
        LetGoIfLarge(scratch);
        return json;
    }

    private static ArrayBufferWriter<byte> LayOut(InferenceRecord record)
    {
        var writer = t_writer ??= new PredictionRecordWriter();
        var scratch = t_scratch ??= new ArrayBufferWriter<byte>(ScratchBytes);
        scratch.ResetWrittenCount();
        writer.Write(scratch, record);
        return scratch;
    }

    private static void LetGoIfLarge(ArrayBufferWriter<byte> scratch)
    {
        if (scratch.Capacity > RetainedScratchBytes)
        {
            t_scratch = null;
        }
    }

    /// <summary>
    /// Whether the record is of a request the gateway refused (it did not match the signature, or was over a limit,
    /// or no version could take it): such a record is logged without its inputs, which are whatever the caller sent
    /// (up to the body limit, a 30 KB gzip body can decode to a 128 MB tensor) and were never a prediction's. Logging
    /// them would let refused requests fill the disk and hold memory in the log's queue. A request that failed in
    /// the runtime passed validation first, so its inputs are bounded by the limits and are logged.
    /// </summary>
    public static bool IsRefused(InferenceRecord record) =>
        record.Error is { } error && error != InferenceErrorKind.Internal;

    /// <summary>The id the record is logged under; a refused request's own id, which may be what was refused, is cut.</summary>
    public static string? LoggedId(InferenceRecord record) =>
        record.Response?.Id ?? (record.Request.Id is { } id && IsRefused(record) ? CallerText.Cut(id, MaxRefusedIdLength) : record.Request.Id);

    // Longer than any id a gateway would accept (128 by default), so an id cut here was not a valid one.
    private const int MaxRefusedIdLength = 1024;

    /// <summary>Appends the record (no line break) to <paramref name="output"/>.</summary>
    public void Write(IBufferWriter<byte> output, InferenceRecord record)
    {
        var id = LoggedId(record);
        var error = record.Error?.ToString();
        var span = output.GetSpan(FixedBytes + (MaxBytesPerChar * (Length(id) + record.Model.Length + record.Protocol.Length + Length(error))));
        var at = 0;
        Raw(span, ref at, "{\"id\":"u8);
        String(span, ref at, id);
        Raw(span, ref at, ",\"timestamp\":"u8);
        Timestamp(span, ref at, record.StartedAt.UtcDateTime);
        Raw(span, ref at, ",\"model\":"u8);
        String(span, ref at, record.Model);
        Raw(span, ref at, ",\"version\":"u8);
        Number(span, ref at, record.Version);
        Raw(span, ref at, ",\"route\":"u8);
        Raw(span, ref at, RouteNames[(int)record.Route]);
        Raw(span, ref at, ",\"protocol\":"u8);
        String(span, ref at, record.Protocol);
        Raw(span, ref at, ",\"latencyMs\":"u8);
        Milliseconds(span, ref at, record.Latency);
        if (error is not null)
        {
            Raw(span, ref at, ",\"error\":"u8);
            String(span, ref at, error);
        }

        Raw(span, ref at, ",\"inputs\":"u8);
        output.Advance(at);
        if (IsRefused(record))
        {
            output.Write("{}"u8);
        }
        else
        {
            Tensors(output, record.Request.Inputs);
        }

        if (record.Response is { } response)
        {
            output.Write(",\"outputs\":"u8);
            Tensors(output, response.Outputs);
        }

        output.Write("}"u8);
    }

    private static int Copy(ReadOnlySpan<byte> text, Span<byte> into)
    {
        text.CopyTo(into);
        return text.Length;
    }

    private void Tensors(IBufferWriter<byte> output, IReadOnlyList<Tensor> tensors)
    {
        output.Write("{"u8);
        for (var i = 0; i < tensors.Count; i++)
        {
            var tensor = tensors[i];
            var fastData = tensor.DataType is TensorDataType.FP32 or TensorDataType.Int64 or TensorDataType.Int32;

            // The values as the caller sent them, when the request kept that text (a copy is far cheaper than
            // writing each number again); the text was read number by number exactly, so it says the same values.
            var sent = tensor.JsonText;
            var dataBytes = !fastData ? 0
                : tensor.DataType == TensorDataType.FP32 ? Math.Max(sent.Length, TensorJsonWriter.MaxArrayBytes((int)tensor.ElementCount))
                : 2 + ((int)tensor.ElementCount * (MaxNumberBytes + 1));
            var span = output.GetSpan(FixedBytesPerTensor + (MaxBytesPerChar * tensor.Name.Length) + ((MaxNumberBytes + 1) * tensor.Shape.Length) + dataBytes);
            var at = 0;
            if (i > 0)
            {
                span[at++] = (byte)',';
            }

            String(span, ref at, tensor.Name);
            span[at++] = (byte)':';
            Raw(span, ref at, DataTypeNames[(int)tensor.DataType]);
            for (var d = 0; d < tensor.Shape.Length; d++)
            {
                if (d > 0)
                {
                    span[at++] = (byte)',';
                }

                Number(span, ref at, tensor.Shape[d]);
            }

            Raw(span, ref at, "],\"data\":"u8);
            if (fastData)
            {
                at += tensor.DataType switch
                {
                    TensorDataType.FP32 when !sent.IsEmpty => Copy(sent, span[at..]),
                    TensorDataType.FP32 => TensorJsonWriter.FormatArray(tensor.AsSpan<float>(), span[at..]),
                    TensorDataType.Int64 => Integers(tensor.AsSpan<long>(), span[at..]),
                    _ => Integers(tensor.AsSpan<int>(), span[at..]),
                };
                span[at++] = (byte)'}';
                output.Advance(at);
                continue;
            }

            // Other types are rare in logs; the writer appends a complete array to the same buffer.
            output.Advance(at);
            _values.Reset(output);
            TensorJsonWriter.WriteFlat(_values, tensor);
            _values.Flush();
            output.Write("}"u8);
        }

        output.Write("}"u8);
    }

    private static int Length(string? value) => value?.Length ?? 0;

    /// <summary>Writes [v0,v1,...] of integer labels and counts (the other common answer); returns the length.</summary>
    private static int Integers<T>(ReadOnlySpan<T> values, Span<byte> text)
        where T : struct, IBinaryInteger<T>, IUtf8SpanFormattable
    {
        var at = 0;
        text[at++] = (byte)'[';
        for (var i = 0; i < values.Length; i++)
        {
            if (i > 0)
            {
                text[at++] = (byte)',';
            }

            values[i].TryFormat(text[at..], out var written, default, CultureInfo.InvariantCulture);
            at += written;
        }

        text[at++] = (byte)']';
        return at;
    }

    private static void String(Span<byte> span, ref int at, string? value)
    {
        if (value is null)
        {
            Raw(span, ref at, "null"u8);
            return;
        }

        span[at++] = (byte)'"';
        if (!value.AsSpan().ContainsAnyExcept(Verbatim))
        {
            at += Encoding.ASCII.GetBytes(value, span[at..]);
        }
        else
        {
            Raw(span, ref at, JsonEncodedText.Encode(value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).EncodedUtf8Bytes);
        }

        span[at++] = (byte)'"';
    }

    /// <summary>ISO 8601 with the fraction's trailing zeros dropped, as <see cref="Utf8JsonWriter"/> writes times.</summary>
    private static void Timestamp(Span<byte> span, ref int at, DateTime utc)
    {
        span[at++] = (byte)'"';
        Utf8Formatter.TryFormat(utc, span[at..], out var written, new StandardFormat('O'));

        // "yyyy-MM-ddTHH:mm:ss.fffffffZ": trim the fraction's zeros, and its point when nothing is left.
        var last = at + written - 2;
        while (span[last] == (byte)'0')
        {
            last--;
        }

        if (span[last] == (byte)'.')
        {
            last--;
        }

        span[last + 1] = (byte)'Z';
        span[last + 2] = (byte)'"';
        at = last + 3;
    }

    /// <summary>Milliseconds to four decimals: a tick is 0.0001 ms, so the text is the tick count with a point.</summary>
    private static void Milliseconds(Span<byte> span, ref int at, TimeSpan latency)
    {
        var ticks = Math.Max(latency.Ticks, 0);
        Number(span, ref at, ticks / TimeSpan.TicksPerMillisecond);
        var fraction = (int)(ticks % TimeSpan.TicksPerMillisecond);
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

        span[at++] = (byte)'.';
        Utf8Formatter.TryFormat(fraction, span[at..], out var written, new StandardFormat('D', (byte)decimals));
        at += written;
    }

    private static void Number(Span<byte> span, ref int at, long value)
    {
        Utf8Formatter.TryFormat(value, span[at..], out var written);
        at += written;
    }

    private static void Raw(Span<byte> span, ref int at, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(span[at..]);
        at += bytes.Length;
    }
}
