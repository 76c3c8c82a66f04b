using System.Diagnostics;
using System.Globalization;
using Prometheus;

namespace Serving.Gateway.Metrics;

/// <summary>
/// The process and the .NET runtime under it, read at scrape time: CPU, memory, file descriptors, garbage
/// collections and their pauses, allocation, the thread pool. The <c>process_*</c> names are the ones Prometheus's
/// client libraries export, so dashboards and alerts written for them work as they are. Nothing here runs per
/// request: prometheus-net's own runtime adapters stay off (<see cref="GatewayMetricsRegistry"/>), because they
/// switch on ASP.NET Core's per-request metrics.
/// </summary>
internal static class ProcessMetrics
{
    private static readonly string[] Generations = ["0", "1", "2"];

    public static void Register(IServiceProvider services)
    {
        var registry = services.GetRequiredService<GatewayMetricsRegistry>().Registry;
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        var cpu = factory.CreateCounter("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.");
        var resident = factory.CreateGauge("process_resident_memory_bytes", "Resident memory size in bytes.");
        var start = factory.CreateGauge("process_start_time_seconds", "Start time of the process since unix epoch in seconds.");
        // Descriptors are read from /proc: on other systems these two series are not exported at all.
        var openFds = OperatingSystem.IsLinux() ? factory.CreateGauge("process_open_fds", "Number of open file descriptors.") : null;
        var maxFds = OperatingSystem.IsLinux() ? factory.CreateGauge("process_max_fds", "Maximum number of open file descriptors.") : null;
        var collections = factory.CreateCounter(
            "dotnet_gc_collections_total", "Garbage collections since start, by the generation collected (a collection of 1 or 2 also collects those below).", "generation");
        var pauses = factory.CreateCounter(
            "dotnet_gc_pause_seconds_total", "Time the runtime paused every thread for garbage collection since start; its rate is the share of time requests could not run.");
        var heap = factory.CreateGauge("dotnet_gc_heap_size_bytes", "Managed heap size after the last garbage collection.");
        var allocated = factory.CreateCounter("dotnet_gc_allocated_bytes_total", "Bytes allocated on the managed heap since start.");
        var threads = factory.CreateGauge("dotnet_threadpool_threads", "Thread pool threads now.");
        var queued = factory.CreateGauge("dotnet_threadpool_queue_length", "Work items queued to the thread pool and not yet started.");
        var completed = factory.CreateCounter("dotnet_threadpool_completed_items_total", "Work items the thread pool has completed since start.");
        var contentions = factory.CreateCounter("dotnet_monitor_lock_contentions_total", "Times a thread waited for a lock another thread held, since start.");

        using (var process = Process.GetCurrentProcess())
        {
            start.Set((process.StartTime.ToUniversalTime() - DateTime.UnixEpoch).TotalSeconds);
        }

        if (maxFds is not null && MaxOpenFiles() is { } max)
        {
            maxFds.Set(max);
        }

        registry.AddBeforeCollectCallback(() =>
        {
            cpu.IncTo(Environment.CpuUsage.TotalTime.TotalSeconds);
            resident.Set(Environment.WorkingSet);
            if (openFds is not null && OpenFiles() is { } open)
            {
                openFds.Set(open);
            }

            for (var generation = 0; generation < Generations.Length; generation++)
            {
                collections.WithLabels(Generations[generation]).IncTo(GC.CollectionCount(generation));
            }

            pauses.IncTo(GC.GetTotalPauseDuration().TotalSeconds);
            heap.Set(GC.GetGCMemoryInfo().HeapSizeBytes);
            allocated.IncTo(GC.GetTotalAllocatedBytes());
            threads.Set(ThreadPool.ThreadCount);
            queued.Set(ThreadPool.PendingWorkItemCount);
            completed.IncTo(ThreadPool.CompletedWorkItemCount);
            contentions.IncTo(Monitor.LockContentionCount);
        });
    }

    /// <summary>Open descriptors from /proc/self/fd (Linux only); null when it cannot be read.</summary>
    private static int? OpenFiles()
    {
        try
        {
            return Directory.EnumerateFileSystemEntries("/proc/self/fd").Count();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The soft limit on open files from /proc/self/limits (Linux only); null when unlimited or unreadable.</summary>
    private static long? MaxOpenFiles()
    {
        try
        {
            var line = File.ReadLines("/proc/self/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
            var fields = line?["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields is { Length: > 0 } && long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var soft) ? soft : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
