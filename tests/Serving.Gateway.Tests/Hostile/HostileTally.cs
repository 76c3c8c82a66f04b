using System.Collections.Concurrent;

namespace Serving.Gateway.Tests.Hostile;

/// <summary>
/// What one class of hostile requests got back: counts by status (HTTP code or gRPC status name) and, for each kind of
/// bad answer (5xx, UNKNOWN, INTERNAL, an unbounded echo, or no answer at all), the first request that got it.
/// </summary>
public sealed class HostileTally(string name)
{
    private readonly ConcurrentDictionary<string, int> _counts = new();
    private readonly ConcurrentDictionary<string, string> _examples = new();
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
        if (bad)
        {
            Interlocked.Increment(ref _bad);
            if (!_examples.ContainsKey(outcome))
            {
                _examples.TryAdd(outcome, describe());
            }
        }
    }

    /// <summary>"oip-rest: 4000 sent, 0 bad; 400=3500 404=500" and the examples of bad answers.</summary>
    public override string ToString()
    {
        var counts = string.Join(" ", _counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}={c.Value}"));
        var examples = string.Concat(_examples.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{Environment.NewLine}  {e.Key} <- {e.Value}"));
        return $"{Name}: {Sent} sent, {Bad} answered with 5xx/UNKNOWN/INTERNAL, an unbounded echo or not at all; {counts}; slowest {_slowest.TotalSeconds:F1} s: {_slowestRequest}{examples}";
    }
}
