namespace Serving.Gateway.Rest.Http;

/// <summary>
/// A read-only, forward-only view of another stream that shows each exception a read throws to
/// <see cref="Replace"/> first, which may swap it for another, and each read's bytes to <see cref="Observe"/>. The
/// request decompression streams need no more.
/// </summary>
internal abstract class ReadOnlyFilterStream(Stream inner, bool ownsInner) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>The exception to throw instead of <paramref name="exception"/>, or null to let it through as it is.</summary>
    protected abstract Exception? Replace(Exception exception);

    /// <summary>
    /// Sees the bytes of each read that succeeded; <paramref name="end"/> when the stream has ended (a read for at
    /// least one byte got none). It may throw to fail the read.
    /// </summary>
    protected virtual void Observe(ReadOnlySpan<byte> read, bool end)
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int read;
        try
        {
            read = inner.Read(buffer);
        }
        catch (Exception e) when (Replace(e) is { } replacement)
        {
            throw replacement;
        }

        Observe(buffer[..read], read == 0 && !buffer.IsEmpty);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read;
        try
        {
            read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (Replace(e) is { } replacement)
        {
            throw replacement;
        }

        Observe(buffer.Span[..read], read == 0 && !buffer.IsEmpty);
        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && ownsInner)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (ownsInner)
        {
            await inner.DisposeAsync().ConfigureAwait(false);
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }
}
