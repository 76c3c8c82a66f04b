using System.Diagnostics;
using System.Globalization;

namespace Serving.Cli.Scoring;

/// <summary>
/// Time spent in each stage of a run (summed over the threads that did it), for finding where a slow run goes:
/// printed on standard error at the end when <c>SERVING_SCORE_TIMINGS=1</c>. Stages overlap, so the sum exceeds the
/// elapsed time when they run in parallel.
/// </summary>
internal sealed class ScoreTimings
{
    public const string Variable = "SERVING_SCORE_TIMINGS";

    private readonly long[] _ticks = new long[Enum.GetValues<ScoreStage>().Length];

    public static bool Enabled => Environment.GetEnvironmentVariable(Variable) == "1";

    public static long Start() => Now();

    public void Add(ScoreStage stage, long started) => Interlocked.Add(ref _ticks[(int)stage], Now() - started);

    private static long Now()
    {
        if (Environment.GetEnvironmentVariable("SERVING_SCORE_CPU") == "1")
        {
            clock_gettime(3, out var ts);
            return (ts.Seconds * Stopwatch.Frequency) + (ts.Nanoseconds * Stopwatch.Frequency / 1_000_000_000);
        }

        return Stopwatch.GetTimestamp();
    }

    [System.Runtime.InteropServices.DllImport("libc")]
    private static extern int clock_gettime(int clock, out TimeSpec time);

    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    public string Describe(long rows) => string.Join(", ", Enum.GetValues<ScoreStage>().Select(stage =>
    {
        var seconds = (double)_ticks[(int)stage] / Stopwatch.Frequency;
        return string.Create(CultureInfo.InvariantCulture, $"{stage} {seconds:0.000} s ({(rows > 0 ? seconds * 1e6 / rows : 0):0.00} µs/row)");
    }));
}

/// <summary>The stages of <see cref="ScoreTimings"/>.</summary>
internal enum ScoreStage
{
    Read,
    Type,
    Run,
    Format,
    Write,
    WaitForTyped,
    WaitForWriter,
}
