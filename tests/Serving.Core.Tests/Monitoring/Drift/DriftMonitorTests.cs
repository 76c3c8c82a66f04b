using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Serving.Core.Monitoring.Drift;
using Serving.Core.Tests.Support;

namespace Serving.Core.Tests.Monitoring.Drift;

/// <summary>The request-path side of the drift monitor: a bounded queue that drops and counts, never waits.</summary>
public sealed class DriftMonitorTests
{
    [Fact]
    public void A_full_queue_drops_records_and_counts_every_drop()
    {
        using var registry = new TestRegistry();
        var options = new DriftOptions();
        options.Drift.QueueCapacity = 2;
        using var monitor = new DriftMonitor(registry.Registry, Options.Create(options), registry.Time, NullLogger<DriftMonitor>.Instance);
        var record = BreastCancerTraffic.Record([BreastCancerTraffic.Rows[0]], registry.Time.GetUtcNow());

        for (var i = 0; i < 5; i++)
        {
            monitor.Consume(record);
        }

        Assert.Equal(2, monitor.Depth);
        Assert.Equal(3, monitor.Dropped);
    }

    [Fact]
    public void Nothing_is_queued_when_drift_is_disabled()
    {
        using var registry = new TestRegistry();
        var options = new DriftOptions();
        options.Drift.Enabled = false;
        using var monitor = new DriftMonitor(registry.Registry, Options.Create(options), registry.Time, NullLogger<DriftMonitor>.Instance);

        monitor.Consume(BreastCancerTraffic.Record([BreastCancerTraffic.Rows[0]], registry.Time.GetUtcNow()));

        Assert.Equal(0, monitor.Depth);
    }

    [Fact]
    public void A_model_the_registry_does_not_know_has_no_report()
    {
        using var registry = new TestRegistry();
        using var monitor = new DriftMonitor(registry.Registry, Options.Create(new DriftOptions()), registry.Time, NullLogger<DriftMonitor>.Instance);

        Assert.Null(monitor.Report("breast-cancer"));
    }
}
