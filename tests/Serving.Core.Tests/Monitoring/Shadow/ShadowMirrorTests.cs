using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Core.Monitoring.Shadow;
using Serving.Core.Routing;
using Serving.Core.Tests.Support;

namespace Serving.Core.Tests.Monitoring.Shadow;

public sealed class ShadowMirrorTests : IAsyncLifetime
{
    private readonly TestRegistry _test = new();
    private ShadowMirror _mirror = null!;
    private InferenceService _service = null!;

    public async ValueTask InitializeAsync()
    {
        _test.Publish("m", 1);
        _test.Publish("m", 2);
        _test.Publish("m", 3, artifact: "tripling");
        _test.Registry.Scan();
        _mirror = new ShadowMirror(_test.Registry, _test.Deployments, NullLogger<ShadowMirror>.Instance);
        _service = new InferenceService(_test.Registry, _test.Deployments, new TrafficRouter(new SharedRandomSource()), Options.Create(new ServingOptions()), [_mirror]);
        await _mirror.StartAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await _mirror.StopAsync(CancellationToken.None);
        _mirror.Dispose();
        _test.Dispose();
    }

    private Task<InferenceResponse> InferAsync() =>
        _service.InferAsync(
            new InferenceRequest { ModelName = "m", Inputs = [Tensor.FromValues("features", TensorDataType.FP32, [1, 3], (ReadOnlySpan<float>)[1f, 2f, 3f])] },
            CancellationToken.None).AsTask();

    private async Task<ShadowReport> WaitForAsync(long requests)
    {
        for (var i = 0; i < 200; i++)
        {
            var report = _mirror.Report("m")!;
            if (report.Requests + report.Errors >= requests)
            {
                return report;
            }

            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        return _mirror.Report("m")!;
    }

    [Fact]
    public async Task A_shadow_that_answers_like_stable_agrees_fully_and_the_caller_sees_stable()
    {
        _test.Deployments.Set("m", new DeploymentSpec { Stable = 1, Shadow = 2 }, "test", "shadow");

        for (var i = 0; i < 20; i++)
        {
            var response = await InferAsync();
            Assert.Equal("1", response.ModelVersion);
        }

        var report = await WaitForAsync(20);
        Assert.Equal(2, report.Version);
        Assert.Equal(20, report.Requests);
        Assert.Equal(1.0, report.Agreement);
        Assert.NotNull(report.MeanLatencyMs);
    }

    [Fact]
    public async Task A_shadow_that_answers_differently_never_changes_the_response_but_shows_disagreement()
    {
        _test.Deployments.Set("m", new DeploymentSpec { Stable = 1, Shadow = 3 }, "test", "shadow");

        var response = await InferAsync();

        Assert.Equal([2f, 4f, 6f], response.Outputs[0].AsSpan<float>().ToArray());
        var report = await WaitForAsync(1);
        Assert.Equal(0.0, report.Agreement);
    }

    [Fact]
    public async Task A_failing_shadow_is_counted_and_never_reaches_the_caller()
    {
        _test.Deployments.Set("m", new DeploymentSpec { Stable = 1, Shadow = 2 }, "test", "shadow");
        var shadowRuntime = (DoublingRuntime)_test.Registry.Current.Models["m"].Loaded[2].Runtime;
        shadowRuntime.BeforeRun = () => throw new InferenceException(InferenceErrorKind.Internal, "shadow exploded");

        var response = await InferAsync();

        Assert.Equal("1", response.ModelVersion);
        var report = await WaitForAsync(1);
        Assert.Equal(1, report.Errors);
        Assert.Equal(0, report.Requests);
    }

    [Fact]
    public async Task Pinned_requests_are_not_mirrored()
    {
        _test.Deployments.Set("m", new DeploymentSpec { Stable = 1, Shadow = 2 }, "test", "shadow");

        await _service.InferAsync(
            new InferenceRequest { ModelName = "m", Version = "1", Inputs = [Tensor.FromValues("features", TensorDataType.FP32, [1, 3], (ReadOnlySpan<float>)[1f, 2f, 3f])] },
            CancellationToken.None);
        await InferAsync();

        var report = await WaitForAsync(1);
        await Task.Delay(50, TestContext.Current.CancellationToken);
        Assert.Equal(1, _mirror.Report("m")!.Requests);
        Assert.Equal(1, report.Requests);
    }

    [Fact]
    public async Task A_large_request_is_mirrored_as_a_sample_compared_with_the_same_rows_of_the_answer()
    {
        _test.Deployments.Set("m", new DeploymentSpec { Stable = 1, Shadow = 2 }, "test", "shadow");
        // Every row differs, so a sample of the request compared with other rows of the answer would disagree.
        const int rows = 10_000;
        var values = Enumerable.Range(0, rows * 3).Select(i => (float)i).ToArray();
        await _service.InferAsync(
            new InferenceRequest { ModelName = "m", Inputs = [Tensor.FromValues("features", TensorDataType.FP32, [rows, 3], values)] },
            CancellationToken.None);

        var report = await WaitForAsync(1);
        Assert.Equal(1, report.Requests);
        Assert.Equal(1.0, report.Agreement);
    }

    [Fact]
    public async Task A_burst_of_large_requests_stays_within_the_row_bound_and_counts_the_drops()
    {
        _test.Deployments.Set("m", new DeploymentSpec { Stable = 1, Shadow = 2 }, "test", "shadow");

        // Not started: nothing leaves the queue while the burst comes in.
        using var mirror = new ShadowMirror(_test.Registry, _test.Deployments, NullLogger<ShadowMirror>.Instance, Options.Create(new ShadowOptions { MaxQueuedRows = 1_000 }));
        var large = LargeRecord(100_000);
        for (var i = 0; i < 120; i++)
        {
            mirror.OnCompleted(large);
        }

        Assert.Equal(1_000, mirror.QueuedRows);
        Assert.Equal(110, mirror.Report("m")!.Dropped);
    }

    private static InferenceRecord LargeRecord(int rows)
    {
        var values = new float[rows * 3];
        var request = new InferenceRequest { ModelName = "m", Inputs = [Tensor.FromValues("features", TensorDataType.FP32, [rows, 3], values)] };
        var response = new InferenceResponse { ModelName = "m", ModelVersion = "1", Outputs = [Tensor.FromValues("doubled", TensorDataType.FP32, [rows, 3], values)] };
        return new InferenceRecord("m", 1, RouteKind.Stable, "rest", DateTimeOffset.UnixEpoch, TimeSpan.FromMilliseconds(1), null, request, response);
    }
}
