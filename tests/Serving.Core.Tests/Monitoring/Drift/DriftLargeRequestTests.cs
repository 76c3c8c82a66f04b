using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Core.Monitoring.Drift;
using Serving.Core.Tests.Support;

namespace Serving.Core.Tests.Monitoring.Drift;

/// <summary>
/// What a large request hands drift is bounded whatever its size: a row sample per request, a queue bounded in
/// rows, drops counted, and a stop that does not work through what is left in the queue.
/// </summary>
public sealed class DriftLargeRequestTests
{
    private const int LargeRows = 100_000;

    private static readonly Lazy<InferenceRecord> LazyLarge = new(() =>
        BreastCancerTraffic.Record([.. Enumerable.Range(0, LargeRows).Select(i => BreastCancerTraffic.Rows[i % BreastCancerTraffic.Rows.Length])], DateTimeOffset.UnixEpoch));

    private static InferenceRecord Large => LazyLarge.Value;

    [Fact]
    public void A_100000_row_request_hands_the_queue_at_most_MaxRowsPerRequest_rows()
    {
        using var registry = new TestRegistry();
        var options = new DriftOptions();
        options.Drift.MaxRequestsPerSecond = 0;
        using var monitor = new DriftMonitor(registry.Registry, Options.Create(options), registry.Time, NullLogger<DriftMonitor>.Instance);

        monitor.Consume(Large);

        Assert.Equal(1, monitor.Depth);
        Assert.Equal(100, monitor.QueuedRows);
        Assert.Equal(LargeRows - 100, monitor.RowsLeftOut);
    }

    [Fact]
    public void The_sample_copies_whole_rows_of_inputs_and_predictions_in_order()
    {
        var sampled = DriftSample.Take(Large, LargeRows, 100);

        var input = Assert.Single(sampled.Request.Inputs);
        var output = Assert.Single(sampled.Response!.Outputs);
        Assert.Equal([100L, 30L], input.Shape);
        Assert.Equal([100L, 1L], output.Shape);
        Assert.Equal(100 * 30 * sizeof(float), input.Data.Length);

        // Every sampled row is a row of the request, whole, and the rows keep the request's order.
        var original = Large.Request.Inputs[0].AsSpan<float>();
        var values = input.AsSpan<float>();
        var at = 0;
        for (var i = 0; i < 100; i++)
        {
            var row = values.Slice(i * 30, 30);
            while (at < LargeRows && !original.Slice(at * 30, 30).SequenceEqual(row))
            {
                at++;
            }

            Assert.True(at < LargeRows, $"sampled row {i} is not a row of the request after the previous one");
            at++;
        }
    }

    [Fact]
    public void Requests_within_the_cap_are_queued_as_they_are()
    {
        using var registry = new TestRegistry();
        var options = new DriftOptions();
        options.Drift.MaxRequestsPerSecond = 0;
        using var monitor = new DriftMonitor(registry.Registry, Options.Create(options), registry.Time, NullLogger<DriftMonitor>.Instance);

        monitor.Consume(BreastCancerTraffic.Record([.. BreastCancerTraffic.Rows.Take(100)], DateTimeOffset.UnixEpoch));

        Assert.Equal((1, 100L, 0L), (monitor.Depth, monitor.QueuedRows, monitor.RowsLeftOut));
    }

    [Fact]
    public void A_burst_of_large_requests_stays_within_the_row_bound_and_counts_the_drops()
    {
        using var registry = new TestRegistry();
        var options = new DriftOptions();
        options.Drift.MaxRequestsPerSecond = 0;
        options.Drift.MaxQueuedRows = 1_000;
        using var monitor = new DriftMonitor(registry.Registry, Options.Create(options), registry.Time, NullLogger<DriftMonitor>.Instance);

        for (var i = 0; i < 120; i++)
        {
            monitor.Consume(Large);
        }

        Assert.Equal(10, monitor.Depth);
        Assert.Equal(1_000, monitor.QueuedRows);
        Assert.Equal(110, monitor.Dropped);
    }

    [Fact]
    public async Task Stopping_with_a_full_queue_of_large_requests_returns_within_two_seconds()
    {
        using var registry = RegistryWithBaseline();
        var options = new DriftOptions();
        options.Drift.MaxRequestsPerSecond = 0;
        using var monitor = new DriftMonitor(registry.Registry, Options.Create(options), registry.Time, NullLogger<DriftMonitor>.Instance);
        var large = ThreeFeatureRecord(LargeRows);
        await monitor.StartAsync(TestContext.Current.CancellationToken);
        for (var i = 0; i < 120; i++)
        {
            monitor.Consume(large);
        }

        // Stop while the worker is at it, as a busy replica would.
        var waited = Stopwatch.StartNew();
        while (monitor.Processed == 0 && waited.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(1, TestContext.Current.CancellationToken);
        }

        var watch = Stopwatch.StartNew();
        await monitor.StopAsync(TestContext.Current.CancellationToken);

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"stopping took {watch.Elapsed.TotalSeconds:0.0} s");
    }

    [Fact]
    public async Task A_sampled_large_request_fills_the_drift_window_with_its_sample()
    {
        using var registry = RegistryWithBaseline();
        var options = new DriftOptions();
        options.Drift.MaxRequestsPerSecond = 0;
        using var monitor = new DriftMonitor(registry.Registry, Options.Create(options), registry.Time, NullLogger<DriftMonitor>.Instance);
        await monitor.StartAsync(TestContext.Current.CancellationToken);

        monitor.Consume(ThreeFeatureRecord(LargeRows));
        await monitor.FlushAsync(TimeSpan.FromSeconds(10));
        await monitor.StopAsync(TestContext.Current.CancellationToken);

        var version = Assert.Single(monitor.Report("breast-cancer")!.Versions);
        Assert.Equal(100, version.Current!.Rows);
    }

    [Fact]
    public void Row_limits_are_validated_with_their_full_keys()
    {
        var options = new DriftOptions();
        options.Drift.MaxRowsPerRequest = 0;
        options.Drift.MaxQueuedRows = -1;

        var problems = options.Validate();

        Assert.Contains(problems, p => p.StartsWith("Serving:Monitoring:Drift:MaxRowsPerRequest is '0'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Serving:Monitoring:Drift:MaxQueuedRows is '-1'", StringComparison.Ordinal));
        Assert.Empty(new DriftOptions().Validate());
    }

    // The test runtime's signature (three features in, three values out) with three of breast-cancer's baseline
    // features, so the drift worker does real work on every row.
    private static TestRegistry RegistryWithBaseline()
    {
        var registry = new TestRegistry();
        var baseline = BreastCancerTraffic.Manifest.Baseline!;
        string[] names = ["a", "b", "c"];
        registry.Publish("breast-cancer", 2, manifest: checksum => TestRegistry.Manifest(checksum) with
        {
            Baseline = baseline with { Features = [.. baseline.Features.Take(3).Select((f, i) => f with { Name = names[i] })], Prediction = null },
        });
        registry.Registry.Scan();
        Assert.True(registry.Registry.Current.Models["breast-cancer"].Loaded.ContainsKey(2));
        return registry;
    }

    private static InferenceRecord ThreeFeatureRecord(int rows)
    {
        var values = new float[rows * 3];
        for (var r = 0; r < rows; r++)
        {
            BreastCancerTraffic.Rows[r % BreastCancerTraffic.Rows.Length].AsSpan(0, 3).CopyTo(values.AsSpan(r * 3));
        }

        var request = new InferenceRequest { ModelName = "breast-cancer", Inputs = [Tensor.FromValues<float>("features", TensorDataType.FP32, [rows, 3], values)] };
        var response = new InferenceResponse { ModelName = "breast-cancer", ModelVersion = "2", Outputs = [Tensor.FromValues<float>("doubled", TensorDataType.FP32, [rows, 3], values)] };
        return new InferenceRecord("breast-cancer", 2, Serving.Core.Contracts.RouteKind.Stable, "rest", DateTimeOffset.UnixEpoch, TimeSpan.FromMilliseconds(1), null, request, response);
    }
}
