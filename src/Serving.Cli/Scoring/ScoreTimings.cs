using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Serving.Cli.Scoring;

/// <summary>
/// Time spent in each stage of a run, summed over the threads that did it, for finding where a slow run goes:
/// reported at the end when <c>SERVING_SCORE_TIMINGS</c> is <c>1</c> (elapsed time) or <c>cpu</c> (the CPU time of
/// each stage's thread, Linux only: on a machine shared with other work, elapsed time mostly measures the neighbours).
/// Stages overlap, so the sum exceeds the run's elapsed time when they run in parallel. Off, it costs nothing.
/// </summary>
internal sealed class ScoreTimings
{
    public const string Variable = "SERVING_SCORE_TIMINGS";

    /// <summary>CLOCK_THREAD_CPUTIME_ID: the calling thread's CPU time.</summary>
    private const int ThreadCpuClock = 3;

    private static readonly Mode Measured = ModeOf(Environment.GetEnvironmentVariable(Variable));

    private readonly long[] _ticks = new long[Enum.GetValues<ScoreStage>().Length];

    private enum Mode
    {
        Off,
        Elapsed,
        ThreadCpu,
    }

    public static bool Enabled => Measured != Mode.Off;

    /// <summary>A stage's start, to pass to <see cref="Add"/> on the same thread when it ends.</summary>
    public static long Start() => Measured switch
    {
        Mode.Off => 0,
        Mode.Elapsed => Stopwatch.GetTimestamp(),
        _ => ThreadCpuTicks(),
    };

    public void Add(ScoreStage stage, long started)
    {
        if (Measured != Mode.Off)
        {
            Interlocked.Add(ref _ticks[(int)stage], Start() - started);
        }
    }

    /// <summary>One line: each stage's seconds and microseconds per row; null when timing is off.</summary>
    public string? Describe(long rows)
    {
        if (!Enabled)
        {
            return null;
        }

        // Waiting is elapsed time by nature: in CPU time it is meaningless (a wait ends on another thread).
        var stages = Enum.GetValues<ScoreStage>().Where(s => Measured == Mode.Elapsed || s is not ScoreStage.WaitForRead);
        var parts = stages.Select(stage =>
        {
            var seconds = (double)_ticks[(int)stage] / Stopwatch.Frequency;
            return string.Create(CultureInfo.InvariantCulture, $"{Name(stage)} {seconds:0.000} s ({(rows > 0 ? seconds * 1e6 / rows : 0):0.00} µs/row)");
        });
        // Collections pause every thread at once, which no stage's time shows.
        var collections = string.Create(
            CultureInfo.InvariantCulture,
            $"; garbage collections {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)} (gen0/1/2), paused {GC.GetTotalPauseDuration().TotalSeconds:0.000} s");
        return $"stage {(Measured == Mode.Elapsed ? "times" : "CPU times")}: {string.Join(", ", parts)}{collections}";
    }

    private static string Name(ScoreStage stage) => stage switch
    {
        ScoreStage.WaitForRead => "waiting for a turn to read (or for chunks ahead to be written)",
        _ => stage.ToString().ToLowerInvariant(),
    };

    private static Mode ModeOf(string? value) => value switch
    {
        "1" => Mode.Elapsed,
        "cpu" when OperatingSystem.IsLinux() => Mode.ThreadCpu,
        "cpu" => Mode.Elapsed,
        _ => Mode.Off,
    };

    /// <summary>The calling thread's CPU time in <see cref="Stopwatch"/> ticks.</summary>
    private static long ThreadCpuTicks()
    {
        _ = clock_gettime(ThreadCpuClock, out var time);
        return (time.Seconds * Stopwatch.Frequency) + (time.Nanoseconds * Stopwatch.Frequency / 1_000_000_000);
    }

    // A plain DllImport: LibraryImport would need the project compiled with unsafe code for this one diagnostic.
    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int clock_gettime(int clock, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}

/// <summary>The stages of <see cref="ScoreTimings"/>.</summary>
internal enum ScoreStage
{
    Read,
    Type,
    Run,
    Format,
    Write,
    WaitForRead,
}
