namespace Serving.Core.Rollouts;

/// <summary>When a step is judged: at whole intervals from its window's start, so windows end on the statistics' grid.</summary>
internal static class StepSchedule
{
    /// <summary>The first whole-interval boundary after <paramref name="now"/>, counted from <paramref name="start"/>.</summary>
    public static DateTimeOffset NextDue(DateTimeOffset start, TimeSpan interval, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        var elapsed = Math.Max(0, (now - start).Ticks / interval.Ticks);
        return start + TimeSpan.FromTicks(interval.Ticks * (elapsed + 1));
    }
}
