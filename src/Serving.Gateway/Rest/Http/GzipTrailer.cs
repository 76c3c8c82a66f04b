using System.Buffers.Binary;

namespace Serving.Gateway.Rest.Http;

/// <summary>
/// Notices a gzip body that stops without its 8-byte trailer (CRC-32 and ISIZE, RFC 1952 §2.3.1). .NET's GZipStream
/// checks a trailer that is there (a wrong CRC or length throws, a 400 already) but takes a body that ends right after
/// the deflate data, or in the middle of the trailer, as complete: a body cut short would be served as if whole. The
/// decompressed length must match the ISIZE the compressed bytes end with, so a missing trailer (whose place holds
/// deflate data, or half a trailer) is refused; the CRC itself needs no second check. A body of several members
/// (RFC 1952 allows it, and .NET decodes them all) ends with the last member's trailer, whose length is shorter than
/// the whole: that passes, so a cut multi-member body is caught only as surely as its last bytes read as a length
/// longer than the data.
/// </summary>
internal sealed class GzipTrailer
{
    private const int Size = 8;

    private readonly byte[] _tail = new byte[Size];
    private long _compressed;
    private long _decompressed;
    private bool _compressedEnded;

    /// <summary>Sees each read of the compressed body, keeping its last 8 bytes.</summary>
    public void Compressed(ReadOnlySpan<byte> read, bool end)
    {
        _compressedEnded |= end;
        _compressed += read.Length;
        if (read.Length >= Size)
        {
            read[^Size..].CopyTo(_tail);
        }
        else if (!read.IsEmpty)
        {
            _tail.AsSpan(read.Length).CopyTo(_tail);
            read.CopyTo(_tail.AsSpan(Size - read.Length));
        }
    }

    /// <summary>Sees each read of the decompressed body; at its end, throws <see cref="InvalidDataException"/> unless the trailer is there.</summary>
    public void Decompressed(ReadOnlySpan<byte> read, bool end)
    {
        _decompressed += read.Length;

        // An empty body has no member to end; a decoder that stopped before the compressed bytes did read past no trailer.
        if (!end || _compressed == 0 || !_compressedEnded)
        {
            return;
        }

        if (_compressed >= Size && BinaryPrimitives.ReadUInt32LittleEndian(_tail.AsSpan(4)) is var length
            && (length == (uint)_decompressed || length < _decompressed))
        {
            return;
        }

        throw new InvalidDataException("the gzip body is truncated or corrupt: it does not end with the gzip trailer (CRC-32 and length) of its data");
    }
}
