using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Serving.Core.Inference;

/// <summary>
/// What observers threw. An observer's contract is never to throw; one that does must not turn a prediction
/// that already ran into a failure, so the data plane swallows it here: counted per observer type (for
/// <c>serving_observer_failures_total</c>) and logged at most once a minute per observer type, so a broken
/// observer on a busy gateway cannot flood the log.
/// </summary>
public sealed partial class InferenceObserverFailures
{
    private static readonly TimeSpan LogInterval = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<Type, Tally> _tallies = new();
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    public InferenceObserverFailures(ILogger<InferenceObserverFailures>? logger = null, TimeProvider? time = null)
    {
        _logger = logger ?? NullLogger<InferenceObserverFailures>.Instance;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Failures so far by observer type name; read at scrape time.</summary>
    public IEnumerable<KeyValuePair<string, long>> Counts =>
        _tallies.Select(t => KeyValuePair.Create(t.Key.Name, Interlocked.Read(ref t.Value.Count)));

    /// <summary>
    /// Counts a failure of <paramref name="observer"/> (a request observer or a monitoring consumer) and logs it
    /// unless this type logged in the last minute.
    /// </summary>
    public void Record(object observer, string stage, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(observer);
        var type = observer.GetType();
        var tally = _tallies.GetOrAdd(type, static _ => new Tally());
        var count = Interlocked.Increment(ref tally.Count);
        var now = _time.GetTimestamp();
        var last = Interlocked.Read(ref tally.LastLogged);
        if ((last == 0 || _time.GetElapsedTime(last, now) >= LogInterval)
            && Interlocked.CompareExchange(ref tally.LastLogged, now, last) == last)
        {
            ObserverFailed(_logger, type.Name, stage, count, exception);
        }
    }

    [LoggerMessage(EventId = 1650, Level = LogLevel.Error,
        Message = "observer {Observer} threw in {Stage} ({Count} failures so far; the answer was not affected; logged at most once a minute)")]
    private static partial void ObserverFailed(ILogger logger, string observer, string stage, long count, Exception exception);

    private sealed class Tally
    {
        public long Count;
        public long LastLogged;
    }
}
