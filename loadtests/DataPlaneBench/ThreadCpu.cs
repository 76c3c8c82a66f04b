using System.Runtime.InteropServices;

namespace Serving.LoadTests.DataPlaneBench;

/// <summary>
/// CPU time the calling thread has used, in nanoseconds (CLOCK_THREAD_CPUTIME_ID): unlike a stopwatch it does not
/// count the time the thread waits for a core, which on a loaded machine is most of the wall time.
/// </summary>
internal static partial class ThreadCpu
{
    private const int ThreadCpuTimeClock = 3;

    public static long Nanoseconds()
    {
        if (ClockGetTime(ThreadCpuTimeClock, out var time) != 0)
        {
            throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
        }

        return (time.Seconds * 1_000_000_000L) + time.Nanoseconds;
    }

    /// <summary>
    /// What one reading adds to an interval measured between two readings, in nanoseconds: the median gap between
    /// back-to-back readings. Each reading is a system call, so on a microsecond of work this is most of the figure.
    /// </summary>
    public static long ReadingCost()
    {
        var gaps = new long[20_001];
        for (var i = 0; i < gaps.Length; i++)
        {
            var first = Nanoseconds();
            gaps[i] = Nanoseconds() - first;
        }

        Array.Sort(gaps);
        return gaps[gaps.Length / 2];
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);
}
