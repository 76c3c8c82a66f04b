namespace Serving.Core.Rollouts;

/// <summary>
/// One one-shot timer aimed at the earliest due time asked for, so a decision runs when it is due rather than on
/// the next tick of a fixed period. Built on <see cref="TimeProvider.CreateTimer"/>, so it follows a fake clock.
/// The callback is expected to arm it again for whatever is due next; a firing with nothing due is harmless.
/// </summary>
internal sealed class DueTimer : IDisposable
{
    // ITimer refuses delays beyond about 49 days; a longer wait just fires early and is armed again.
    private static readonly TimeSpan LongestDelay = TimeSpan.FromDays(1);

    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly Action _callback;
    private readonly ITimer _timer;
    private DateTimeOffset? _due;
    private bool _disposed;

    public DueTimer(TimeProvider time, Action callback)
    {
        _time = time;
        _callback = callback;
        _timer = time.CreateTimer(static state => ((DueTimer)state!).Fire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>When the timer fires next; null when it is not armed.</summary>
    public DateTimeOffset? Due
    {
        get
        {
            lock (_lock)
            {
                return _due;
            }
        }
    }

    /// <summary>Makes the timer fire at <paramref name="due"/> unless it already fires earlier.</summary>
    public void Arm(DateTimeOffset due)
    {
        lock (_lock)
        {
            if (_disposed || _due <= due)
            {
                return;
            }

            _due = due;
            var delay = due - _time.GetUtcNow();
            _timer.Change(delay < TimeSpan.Zero ? TimeSpan.Zero : delay > LongestDelay ? LongestDelay : delay, Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _due = null;
        }

        _timer.Dispose();
    }

    private void Fire()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            // Cleared before the callback runs, so whatever it arms is taken, however early.
            _due = null;
        }

        _callback();
    }
}
