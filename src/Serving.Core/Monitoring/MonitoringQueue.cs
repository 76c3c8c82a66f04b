using System.Runtime.InteropServices;
using Serving.Core.Inference;

namespace Serving.Core.Monitoring;

/// <summary>
/// The one bounded queue between the request path and monitoring: many request threads write, one consumer reads.
/// A write is one compare-and-swap on the tail and two plain stores, no lock and no allocation; a full queue refuses
/// the record (the caller counts the drop). A ring of sequenced slots (Vyukov's bounded queue), so a record becomes
/// visible to the reader only once fully written, and the records of one writer are read in the order it wrote them.
/// </summary>
public sealed class MonitoringQueue
{
    private readonly Slot[] _slots;
    private readonly long _mask;
    private Positions _positions;
    private long _dropped;

    public MonitoringQueue(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        var size = (int)Math.Min(1L << 30, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)capacity));
        _slots = new Slot[size];
        for (var i = 0; i < size; i++)
        {
            _slots[i].Sequence = i;
        }

        _mask = size - 1;
        Capacity = size;
    }

    /// <summary>How many records the queue holds at most (the configured capacity rounded up to a power of two).</summary>
    public int Capacity { get; }

    /// <summary>Records refused because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Records accepted so far (a dropped record never takes a position).</summary>
    public long Written => Volatile.Read(ref _positions.Tail);

    /// <summary>Records the consumer has taken out and handed over so far.</summary>
    public long Consumed => Volatile.Read(ref _positions.Done);

    /// <summary>Records waiting now.</summary>
    public int Depth => (int)Math.Max(0, Written - Volatile.Read(ref _positions.Head));

    /// <summary>Adds a record; false (and counted as dropped) when the queue is full.</summary>
    public bool TryWrite(InferenceRecord record)
    {
        var position = Volatile.Read(ref _positions.Tail);
        while (true)
        {
            ref var slot = ref _slots[position & _mask];
            var sequence = Volatile.Read(ref slot.Sequence);
            var lag = sequence - position;
            if (lag == 0)
            {
                var seen = Interlocked.CompareExchange(ref _positions.Tail, position + 1, position);
                if (seen == position)
                {
                    slot.Record = record;
                    Volatile.Write(ref slot.Sequence, position + 1);
                    return true;
                }

                position = seen;
            }
            else if (lag < 0)
            {
                // The slot still holds a record from one lap ago: the reader is a whole ring behind.
                Interlocked.Increment(ref _dropped);
                return false;
            }
            else
            {
                position = Volatile.Read(ref _positions.Tail);
            }
        }
    }

    /// <summary>Takes the oldest record out; only the one consumer may call this.</summary>
    public bool TryRead(out InferenceRecord record)
    {
        var position = _positions.Head;
        ref var slot = ref _slots[position & _mask];
        if (Volatile.Read(ref slot.Sequence) != position + 1)
        {
            record = null!;
            return false;
        }

        record = slot.Record!;
        slot.Record = null;
        Volatile.Write(ref slot.Sequence, position + Capacity);
        Volatile.Write(ref _positions.Head, position + 1);
        return true;
    }

    /// <summary>Says that <paramref name="count"/> more records read have been handed to every consumer.</summary>
    public void MarkConsumed(int count) => Interlocked.Add(ref _positions.Done, count);

    /// <summary>
    /// Waits (up to <paramref name="timeout"/>) until every record written before this call has been handed to the
    /// consumers, so that, say, feedback right after a prediction finds it. Real time: it waits on the consumer thread.
    /// </summary>
    public async Task CatchUpAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var target = Written;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        while (Consumed < target && System.Diagnostics.Stopwatch.GetElapsedTime(started) < timeout)
        {
            await Task.Delay(2, cancellationToken).ConfigureAwait(false);
        }
    }

    private struct Slot
    {
        public long Sequence;
        public InferenceRecord? Record;
    }

    /// <summary>The writers' tail apart from the reader's head, each on its own cache line, so they do not share one.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 192)]
    private struct Positions
    {
        [FieldOffset(64)]
        public long Tail;

        [FieldOffset(128)]
        public long Head;

        [FieldOffset(136)]
        public long Done;
    }
}
