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

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);
}
