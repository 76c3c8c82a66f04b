namespace Serving.Core.Monitoring;

/// <summary>
/// A count that every request adds to, from whichever core serves it. One shared field would move its cache line
/// between the cores on every add, and with it whatever read-only fields share that line (options, queues), so
/// each core's next read of those misses too. Here a thread adds to one of several slots, each on cache lines of its
/// own; reading sums them. Reads are exact once the adds they should see have finished.
/// </summary>
internal sealed class StripedCounter
{
    // A power of two, so a thread id picks its slot with a mask.
    private const int Slots = 16;

    // 128 bytes between slots: apart even for CPUs that fetch cache lines in adjacent pairs.
    private const int Stride = 128 / sizeof(long);

    // One stride of padding before the first slot too, so no slot shares a line with the array's header.
    private readonly long[] _slots = new long[(Slots + 1) * Stride];

    public void Increment() => Interlocked.Increment(ref _slots[SlotOfThisThread()]);

    public long Value
    {
        get
        {
            long sum = 0;
            for (var slot = 1; slot <= Slots; slot++)
            {
                sum += Interlocked.Read(ref _slots[slot * Stride]);
            }

            return sum;
        }
    }

    private static int SlotOfThisThread() => ((Environment.CurrentManagedThreadId & (Slots - 1)) + 1) * Stride;
}
