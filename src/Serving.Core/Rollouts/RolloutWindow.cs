namespace Serving.Core.Rollouts;

/// <summary>
/// The interval [<see cref="From"/>, <see cref="To"/>) one decision judged: every gate (traffic, errors, latency,
/// predictions, accuracy) reads exactly this window. A request counts in it when it finished inside it.
/// </summary>
public sealed record RolloutWindow
{
    public required DateTimeOffset From { get; init; }

    /// <summary>The step's due time: the window's end, excluded. The decision itself is taken at or just after it.</summary>
    public required DateTimeOffset To { get; init; }

    /// <summary>
    /// The window judged at <paramref name="due"/> for a step whose window opened at <paramref name="start"/> and
    /// is judged every <paramref name="interval"/>: from the start, or, for a step that has waited longer than
    /// <paramref name="maxSpan"/>, from the latest whole interval boundary that keeps the window within it.
    /// </summary>
    public static RolloutWindow Judged(DateTimeOffset start, TimeSpan interval, DateTimeOffset due, TimeSpan maxSpan)
    {
        if (interval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(interval), interval, "an interval must be positive");
        }

        // Whole intervals only, so the window's ends lie on the grid the statistics count in.
        var elapsed = Math.Max(0, (due - start).Ticks / interval.Ticks);
        var kept = Math.Max(1, maxSpan.Ticks / interval.Ticks);
        var from = start + TimeSpan.FromTicks(interval.Ticks * Math.Max(0, elapsed - kept));
        return new RolloutWindow { From = from, To = due };
    }
}
