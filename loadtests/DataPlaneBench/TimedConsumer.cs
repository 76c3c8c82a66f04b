using Microsoft.Extensions.DependencyInjection;
using Serving.Core.Inference;

namespace Serving.LoadTests.DataPlaneBench;

/// <summary>
/// A monitoring consumer that counts the CPU its inner one spends per record (on the pipeline's consumer thread),
/// for the "phases" breakdown: the consumer runs on the same cores as the requests, so its work is server CPU too.
/// </summary>
internal sealed class TimedConsumer(IMonitoringConsumer inner) : IMonitoringConsumer
{
    private long _nanoseconds;
    private long _records;

    public static List<TimedConsumer> All { get; } = [];

    public string Name => inner.GetType().Name;

    public long Nanoseconds => Interlocked.Read(ref _nanoseconds);

    public long Records => Interlocked.Read(ref _records);

    public void Reset()
    {
        Interlocked.Exchange(ref _nanoseconds, 0);
        Interlocked.Exchange(ref _records, 0);
    }

    public void Consume(InferenceRecord record)
    {
        var start = ThreadCpu.Nanoseconds();
        inner.Consume(record);
        Interlocked.Add(ref _nanoseconds, ThreadCpu.Nanoseconds() - start);
        Interlocked.Increment(ref _records);
    }

    public void Missed(InferenceRecord record) => inner.Missed(record);

    public void Drained() => inner.Drained();

    /// <summary>Wraps every registered consumer; call after the gateway's services are added, before the build.</summary>
    public static void WrapAll(IServiceCollection services)
    {
        for (var i = 0; i < services.Count; i++)
        {
            var descriptor = services[i];
            if (descriptor.ServiceType != typeof(IMonitoringConsumer) || descriptor.IsKeyedService)
            {
                continue;
            }

            services[i] = ServiceDescriptor.Describe(typeof(IMonitoringConsumer), sp =>
            {
                var inner = descriptor.ImplementationInstance as IMonitoringConsumer
                    ?? (IMonitoringConsumer?)descriptor.ImplementationFactory?.Invoke(sp)
                    ?? (IMonitoringConsumer)ActivatorUtilities.CreateInstance(sp, descriptor.ImplementationType!);
                var timed = new TimedConsumer(inner);
                lock (All)
                {
                    All.Add(timed);
                }

                return timed;
            }, descriptor.Lifetime);
        }
    }
}
