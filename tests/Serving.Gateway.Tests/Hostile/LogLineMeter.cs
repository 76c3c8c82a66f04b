using Microsoft.Extensions.Logging;

namespace Serving.Gateway.Tests.Hostile;

/// <summary>
/// Logger provider that keeps no text, only the longest line logged and the number of error-level entries, so a
/// flood of hostile requests costs the test nothing while still showing whether caller text reached the log in full.
/// </summary>
public sealed class LogLineMeter : ILoggerProvider
{
    private int _longest;
    private string _longestHead = string.Empty;
    private int _errors;

    public int Longest => Volatile.Read(ref _longest);

    public string LongestHead => Volatile.Read(ref _longestHead);

    public int Errors => Volatile.Read(ref _errors);

    public ILogger CreateLogger(string categoryName) => new Meter(this, categoryName);

    public void Dispose()
    {
    }

    private void Observe(LogLevel level, string category, string line)
    {
        if (level >= LogLevel.Error)
        {
            Interlocked.Increment(ref _errors);
        }

        int seen;
        while (line.Length > (seen = Volatile.Read(ref _longest)))
        {
            if (Interlocked.CompareExchange(ref _longest, line.Length, seen) == seen)
            {
                Volatile.Write(ref _longestHead, category + ": " + line[..Math.Min(line.Length, 120)]);
                break;
            }
        }
    }

    private sealed class Meter(LogLineMeter owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner.Observe(logLevel, category, formatter(state, exception));
            }
        }
    }
}
