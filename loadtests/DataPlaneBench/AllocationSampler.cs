using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace Serving.LoadTests.DataPlaneBench;

/// <summary>
/// Samples allocations by type with the runtime's AllocationTick events (one per ~100 KB allocated), split by the
/// thread that allocated: the request thread or any other (monitoring). Enough to see where the bytes go.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

    public ulong RequestThread { get; set; }

    public bool Recording { get; set; }

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (!Recording || e.EventName is null || !e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.Payload is null)
        {
            return;
        }

        var index = e.PayloadNames?.IndexOf("TypeName") ?? -1;
        var type = index >= 0 ? e.Payload[index] as string ?? "?" : "?";
        var where = (ulong)e.OSThreadId == RequestThread ? "request" : "other";
        _counts.AddOrUpdate(where + " " + type, 1, (_, n) => n + 1);
    }

    public void Print()
    {
        foreach (var (key, count) in _counts.OrderByDescending(c => c.Value).Take(25))
        {
            Console.WriteLine($"{count,6}  {key}");
        }
    }
}
