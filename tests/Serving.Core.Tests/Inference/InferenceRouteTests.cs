using Microsoft.Extensions.Options;
using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Core.Routing;
using Serving.Core.Tests.Support;

namespace Serving.Core.Tests.Inference;

/// <summary>
/// Routing first (for transports that decode against the serving version's signature), then running exactly
/// that version, as a routed request rather than a pinned one; and failures after routing name the version.
/// </summary>
public sealed class InferenceRouteTests : IDisposable
{
    private readonly TestRegistry _test = new();
    private readonly RecordingObserver _recorder = new();
    private readonly InferenceService _service;

    public InferenceRouteTests()
    {
        _test.Publish("m", 1);
        _test.Publish("m", 2);
        _test.Registry.Scan();
        _test.Deployments.Set("m", new DeploymentSpec { Stable = 1, Canary = 2, CanaryWeight = 100 }, "test", "canary takes all traffic");
        _service = new InferenceService(
            _test.Registry, _test.Deployments, new TrafficRouter(new SharedRandomSource()), Options.Create(new ServingOptions()), [_recorder]);
    }

    public void Dispose() => _test.Dispose();

    private static Tensor Features(long columns = 3) =>
        Tensor.FromValues("features", TensorDataType.FP32, [1, columns], (ReadOnlySpan<float>)new float[columns]);

    [Fact]
    public async Task A_routed_request_runs_on_the_chosen_version_and_is_observed_as_routed_not_pinned()
    {
        var route = _service.Route("m", null, null);

        Assert.Equal(("2", RouteKind.Canary), (route.Version, route.Kind));
        Assert.Equal(["a", "b", "c"], route.Metadata.Inputs.Single().Features!);
        Assert.Equal(0, _recorder.Started);

        var response = await _service.InferAsync(
            new InferenceRequest { ModelName = "m", Version = route.Version, RoutedAs = route.Kind, Inputs = [Features()] }, CancellationToken.None);

        Assert.Equal(("2", RouteKind.Canary), (response.ModelVersion, response.Route));
        var record = Assert.Single(_recorder.Completed);
        Assert.Equal((2, RouteKind.Canary), (record.Version, record.Route));
        Assert.Equal(1, _recorder.Started);
    }

    [Fact]
    public void A_pinned_version_routes_as_pinned()
    {
        var route = _service.Route("m", "1", "some-key");

        Assert.Equal(("1", RouteKind.Pinned), (route.Version, route.Kind));
    }

    [Fact]
    public async Task A_routed_version_removed_before_it_runs_is_unavailable_not_unknown()
    {
        var route = _service.Route("m", null, null);
        Directory.Delete(Path.Combine(_test.Root, "m", "2"), recursive: true);
        _test.Registry.Scan();

        var error = await Assert.ThrowsAsync<InferenceException>(() => _service.InferAsync(
            new InferenceRequest { ModelName = "m", Version = route.Version, RoutedAs = route.Kind, Inputs = [Features()] }, CancellationToken.None).AsTask());

        Assert.Equal(InferenceErrorKind.Unavailable, error.Kind);
    }

    [Fact]
    public async Task A_failure_after_routing_names_the_chosen_version_and_one_before_does_not()
    {
        var wrongShape = await Assert.ThrowsAsync<InferenceException>(
            () => _service.InferAsync(new InferenceRequest { ModelName = "m", Inputs = [Features(columns: 2)] }, CancellationToken.None).AsTask());
        var unknown = await Assert.ThrowsAsync<InferenceException>(
            () => _service.InferAsync(new InferenceRequest { ModelName = "nope", Inputs = [Features()] }, CancellationToken.None).AsTask());

        Assert.Equal((InferenceErrorKind.BadRequest, "2"), (wrongShape.Kind, wrongShape.ModelVersion));
        Assert.Equal((InferenceErrorKind.NotFound, null), (unknown.Kind, unknown.ModelVersion));
    }
}
