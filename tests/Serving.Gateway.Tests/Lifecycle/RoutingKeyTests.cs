using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Serving.Core.Routing;
using Serving.Gateway.Grpc.Protocol;
using Serving.Gateway.Tests.Hosting;

namespace Serving.Gateway.Tests.Lifecycle;

/// <summary>X-Routing-Key and X-Model-Version reach the router from every transport of the real gateway.</summary>
public sealed class RoutingKeyTests : IAsyncLifetime
{
    private const int CanaryWeight = 50;
    private readonly SampleRegistry _registry = new(LifecycleRequests.Model);
    private GatewayHost _host = null!;
    private HttpClient _rest = null!;
    private GrpcChannel _channel = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await new GatewayHost(_registry.Path, new Dictionary<string, string?> { ["Serving:DefaultModel"] = LifecycleRequests.Model }).StartAsync();
        _rest = _host.CreateRestClient();
        _channel = GrpcChannel.ForAddress(_host.GrpcUri);
        _host.Services.GetRequiredService<DeploymentManager>()
            .Set(LifecycleRequests.Model, new DeploymentSpec { Stable = 1, Canary = 2, CanaryWeight = CanaryWeight }, "test", "split");
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        _rest.Dispose();
        await _host.DisposeAsync();
        _registry.Dispose();
    }

    private static IEnumerable<string> Keys => Enumerable.Range(0, 24).Select(i => $"caller-{i}");

    /// <summary>The version a key must land on: its bucket is below the canary weight or not.</summary>
    private static string Expected(string key) => TrafficRouter.StickyBucket(key) < CanaryWeight ? "2" : "1";

    [Fact]
    public void The_chosen_keys_cover_both_versions()
    {
        Assert.Equal(["1", "2"], Keys.Select(Expected).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Oip_rest_keeps_each_routing_key_on_its_version()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        foreach (var key in Keys)
        {
            for (var i = 0; i < 5; i++)
            {
                using var response = await _rest.SendAsync(LifecycleRequests.Oip(i, key), cancellationToken);
                response.EnsureSuccessStatusCode();
                Assert.Equal(Expected(key), await LifecycleRequests.OipVersionAsync(response, cancellationToken));
            }
        }
    }

    [Fact]
    public async Task Mlflow_invocations_keep_each_routing_key_on_its_version()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        foreach (var key in Keys)
        {
            for (var i = 0; i < 5; i++)
            {
                using var response = await _rest.SendAsync(LifecycleRequests.Mlflow(i, key), cancellationToken);
                response.EnsureSuccessStatusCode();
                Assert.Equal(Expected(key), response.Headers.GetValues("X-Model-Version").Single());
            }
        }
    }

    [Fact]
    public async Task Grpc_metadata_keeps_each_routing_key_on_its_version()
    {
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(_channel);
        foreach (var key in Keys)
        {
            for (var i = 0; i < 5; i++)
            {
                var response = await client.ModelInferAsync(
                    LifecycleRequests.Grpc(i), new Metadata { { "x-routing-key", key } }, cancellationToken: TestContext.Current.CancellationToken);
                Assert.Equal(Expected(key), response.ModelVersion);
            }
        }
    }

    [Theory]
    [InlineData("1")]
    [InlineData("2")]
    public async Task Grpc_x_model_version_metadata_pins_a_version_whatever_the_routing_key(string version)
    {
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(_channel);
        foreach (var key in Keys)
        {
            var response = await client.ModelInferAsync(
                LifecycleRequests.Grpc(0), new Metadata { { "x-routing-key", key }, { "x-model-version", version } }, cancellationToken: TestContext.Current.CancellationToken);
            Assert.Equal(version, response.ModelVersion);
        }
    }

    [Fact]
    public async Task The_grpc_model_version_field_wins_over_x_model_version_metadata()
    {
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(_channel);
        var request = LifecycleRequests.Grpc(0);
        request.ModelVersion = "1";

        var response = await client.ModelInferAsync(request, new Metadata { { "x-model-version", "2" } }, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("1", response.ModelVersion);
    }

    [Fact]
    public async Task Oip_x_model_version_pins_a_version_whatever_the_routing_key()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        foreach (var key in Keys)
        {
            using var request = LifecycleRequests.Oip(0, key);
            request.Headers.Add("X-Model-Version", "1");
            using var response = await _rest.SendAsync(request, cancellationToken);
            response.EnsureSuccessStatusCode();
            Assert.Equal("1", await LifecycleRequests.OipVersionAsync(response, cancellationToken));
        }
    }

    [Fact]
    public async Task Without_a_routing_key_both_versions_serve_unkeyed_rest_traffic()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 200 && seen.Count < 2; i++)
        {
            using var response = await _rest.SendAsync(LifecycleRequests.Oip(i), cancellationToken);
            response.EnsureSuccessStatusCode();
            seen.Add(await LifecycleRequests.OipVersionAsync(response, cancellationToken));
        }

        // At weight 50, 200 random draws all landing on one side has probability 2^-199.
        Assert.Equal(["1", "2"], seen.Order(StringComparer.Ordinal));
    }
}
