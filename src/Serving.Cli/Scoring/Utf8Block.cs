using System.Text;

namespace Serving.Cli.Scoring;

/// <summary>A growable block of UTF-8 text: one chunk's output rows, put together away from the file and written in one call.</summary>
internal sealed class Utf8Block
{
    private byte[] _buffer;

    public Utf8Block(int capacity) => _buffer = new byte[capacity];

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, Length);

    public void Clear() => Length = 0;

    /// <summary>Room for at least <paramref name="bytes"/> more bytes after <see cref="Length"/>, to be claimed with <see cref="Advance"/>.</summary>
    public Span<byte> Reserve(int bytes)
    {
        if (_buffer.Length - Length < bytes)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, Length + bytes));
        }

        return _buffer.AsSpan(Length);
    }

    public void Advance(int bytes) => Length += bytes;

    public void Write(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(Reserve(bytes.Length));
        Length += bytes.Length;
    }

    public void Write(byte b)
    {
        if (Length == _buffer.Length)
        {
            Reserve(1);
        }

        _buffer[Length++] = b;
    }

    public void WriteText(ReadOnlySpan<char> text)
    {
        // Reserved first, in its own statement: it may replace the buffer.
        var room = Reserve(Encoding.UTF8.GetMaxByteCount(text.Length));
        Length += Encoding.UTF8.GetBytes(text, room);
    }
}
