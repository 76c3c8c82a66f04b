using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Core.Monitoring.Performance;
using Serving.Core.Routing;
using Serving.Core.Tests.Monitoring.Performance;
using Serving.Core.Tests.Support;

namespace Serving.Core.Tests.Inference;

/// <summary>The record of a finished request carries what observers need of the version that served it.</summary>
public sealed class InferenceRecordManifestTests : IDisposable
{
    private readonly TestRegistry _test = new();

    public void Dispose() => _test.Dispose();

    [Fact]
    public async Task The_data_plane_hands_observers_the_manifest_of_the_version_that_served()
    {
        _test.Publish("m", 1);
        _test.Registry.Scan();
        var recorder = new RecordingObserver();
        var service = new InferenceService(
            _test.Registry, _test.Deployments, new TrafficRouter(new SharedRandomSource()), Options.Create(new ServingOptions()), [recorder], new FakeTimeProvider());

        await service.InferAsync(
            new InferenceRequest { ModelName = "m", Inputs = [Tensor.FromValues("features", TensorDataType.FP32, [1, 3], (ReadOnlySpan<float>)[1f, 2f, 3f])] },
            CancellationToken.None);

        var record = Assert.Single(recorder.Completed);
        Assert.Same(_test.Registry.Current.Models["m"].Loaded[1].Manifest, record.Manifest);
    }

    [Fact]
    public async Task A_request_refused_before_routing_carries_no_manifest()
    {
        var recorder = new RecordingObserver();
        var service = new InferenceService(
            _test.Registry, _test.Deployments, new TrafficRouter(new SharedRandomSource()), Options.Create(new ServingOptions()), [recorder], new FakeTimeProvider());

        await Assert.ThrowsAsync<InferenceException>(() => service.InferAsync(
            new InferenceRequest { ModelName = "nobody", Inputs = [] }, CancellationToken.None).AsTask());

        Assert.Null(Assert.Single(recorder.Completed).Manifest);
    }

    [Fact]
    public void Live_performance_files_a_record_by_its_own_manifest_and_never_asks_the_registry()
    {
        var fixture = new PerformanceFixture();
        var asked = 0;
        var monitor = new PerformanceMonitor(
            (_, _) =>
            {
                asked++;
                return null;
            },
            fixture.Options, fixture.Time, NullLogger<PerformanceMonitor>.Instance);
        var record = fixture.BinaryRecord("p-1", 1, 0.9f) with { Manifest = PerformanceFixture.ManifestOf("cancer", 1) };

        monitor.Ingest(record);

        Assert.Equal(0, asked);
        Assert.Equal(1, monitor.HeldPredictions);
    }

    [Fact]
    public void A_record_without_a_manifest_is_looked_up_as_before()
    {
        var fixture = new PerformanceFixture();

        fixture.Monitor.Ingest(fixture.BinaryRecord("p-1", 1, 0.9f));

        Assert.Equal(1, fixture.Monitor.HeldPredictions);
    }
}
