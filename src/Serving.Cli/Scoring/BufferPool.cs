using System.Collections.Concurrent;

namespace Serving.Cli.Scoring;

/// <summary>
/// Arrays of one length kept for reuse: a full chunk's tensor needs the same length every time, and allocating it anew
/// for each of a large file's chunks costs a large-object allocation and, soon, a full garbage collection each.
/// Arrays of another length (the last, short chunk) are neither pooled nor handed out. At most <see cref="Kept"/>
/// are kept; the pipeline never has more in flight.
/// </summary>
internal sealed class BufferPool
{
    private const int Kept = 16;

    private readonly ConcurrentQueue<byte[]> _free = new();

    public BufferPool(int length) => Length = length;

    public int Length { get; }

    /// <summary>An array of exactly <paramref name="length"/> bytes; its contents are whatever a previous user left.</summary>
    public byte[] Rent(int length) => length == Length && _free.TryDequeue(out var buffer) ? buffer : new byte[length];

    /// <summary>Takes an array back once nothing reads it any more.</summary>
    public void Return(byte[] buffer)
    {
        if (buffer.Length == Length && _free.Count < Kept)
        {
            _free.Enqueue(buffer);
        }
    }
}
