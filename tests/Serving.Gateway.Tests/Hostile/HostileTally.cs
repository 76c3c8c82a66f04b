using System.Collections.Concurrent;

namespace Serving.Gateway.Tests.Hostile;

/// <summary>
/// What one class of hostile requests got back: counts by status (HTTP code or gRPC status name) and the first few
/// requests that were answered badly (5xx, UNKNOWN, INTERNAL, or no answer at all), for the failure message.
/// </summary>
public sealed class HostileTally(string name)
{
    private const int ExamplesKept = 8;
    private readonly ConcurrentDictionary<string, int> _counts = new();
    private readonly ConcurrentQueue<string> _examples = new();
    private readonly Lock _slowestLock = new();
    private int _sent;
    private int _bad;
    private TimeSpan _slowest;
    private string _slowestRequest = string.Empty;

    public string Name { get; } = name;

    public int Sent => Volatile.Read(ref _sent);

    public int Bad => Volatile.Read(ref _bad);

    /// <summary>Notes how long one request took, to name the slowest in the report.</summary>
    public void Took(TimeSpan elapsed, Func<string> describe)
    {
        lock (_slowestLock)
        {
            if (elapsed > _slowest)
            {
                _slowest = elapsed;
                _slowestRequest = describe();
            }
        }
    }

    public void Record(string outcome, bool bad, Func<string> describe)
    {
        Interlocked.Increment(ref _sent);
        _counts.AddOrUpdate(outcome, 1, static (_, n) => n + 1);
        if (bad && Interlocked.Increment(ref _bad) <= ExamplesKept)
        {
            _examples.Enqueue($"{outcome} <- {describe()}");
        }
    }

    /// <summary>"oip-rest: 4000 sent, 0 bad; 400=3500 404=500" and the examples of bad answers.</summary>
    public override string ToString()
    {
        var counts = string.Join(" ", _counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}={c.Value}"));
        var examples = _examples.IsEmpty ? string.Empty : Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", _examples);
        return $"{Name}: {Sent} sent, {Bad} answered with 5xx/UNKNOWN/INTERNAL, an unbounded echo or not at all; {counts}; slowest {_slowest.TotalSeconds:F1} s: {_slowestRequest}{examples}";
    }
}
