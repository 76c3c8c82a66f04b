using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace Serving.Gateway.Grpc.Codecs;

/// <summary>
/// Protobuf's wire format, written piece by piece into an <see cref="IBufferWriter{T}"/> (the response body's pipe),
/// asking it for room as it goes, so a large tensor needs no contiguous buffer of its own size.
/// </summary>
internal ref struct WireWriter(IBufferWriter<byte> output)
{
    /// <summary>Protobuf's string encoding (a lone surrogate becomes U+FFFD, as protobuf's own writer does).</summary>
    public static readonly Encoding Utf8 = Encoding.UTF8;

    // Strings up to this size are encoded in place; longer ones (a caller's id) go through a copy.
    private const int InPlaceStringBytes = 1024;

    private Span<byte> span;
    private int used;

    /// <summary>Bytes a value takes as a varint: 7 bits a byte.</summary>
    public static int VarintSize(ulong value) => (BitOperations.Log2(value | 1) / 7) + 1;

    /// <summary>A length-delimited field's tag and length; its bytes follow.</summary>
    public void Header(byte tag, long length)
    {
        Take(1)[0] = tag;
        Varint((ulong)length);
    }

    /// <summary>A string field, left out when empty (proto3's default).</summary>
    public void String(byte tag, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        var length = Utf8.GetByteCount(value);
        Header(tag, length);
        if (length <= InPlaceStringBytes)
        {
            Utf8.GetBytes(value, Take(length));
        }
        else
        {
            Bytes(Utf8.GetBytes(value));
        }
    }

    public void Varint(ulong value)
    {
        var target = Take(VarintSize(value));
        var i = 0;
        while (value >= 0x80)
        {
            target[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        target[i] = (byte)value;
    }

    public void Fixed32(uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Take(sizeof(uint)), value);

    /// <summary>Copies bytes, in as many pieces as the output hands out room.</summary>
    public void Bytes(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            if (used == span.Length)
            {
                Commit();
                span = output.GetSpan();
            }

            var count = Math.Min(data.Length, span.Length - used);
            data[..count].CopyTo(span[used..]);
            used += count;
            data = data[count..];
        }
    }

    /// <summary>Hands what was written to the output; call once at the end.</summary>
    public void Commit()
    {
        if (used > 0)
        {
            output.Advance(used);
        }

        span = default;
        used = 0;
    }

    // Room for a small item (at most a string of InPlaceStringBytes) in one piece.
    private Span<byte> Take(int count)
    {
        if (span.Length - used < count)
        {
            Commit();
            span = output.GetSpan(count);
        }

        var taken = span.Slice(used, count);
        used += count;
        return taken;
    }
}
