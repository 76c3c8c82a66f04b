using System.Collections.Concurrent;
using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Serving.Core.Routing;
using Serving.Gateway.Grpc.Protocol;
using Serving.Gateway.Tests.Hosting;

namespace Serving.Gateway.Tests.Lifecycle;

/// <summary>Zero-downtime swaps: the real gateway keeps answering every request while its deployment changes and replaced versions are unloaded.</summary>
public sealed class HotSwapUnderLoadTests : IAsyncLifetime
{
    private const int RestClients = 4;
    private const int Swaps = 60;
    private const int Publications = 8;
    private readonly SampleRegistry _registry = new(LifecycleRequests.Model);
    private GatewayHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await new GatewayHost(_registry.Path).StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _registry.Dispose();
    }

    [Fact]
    public async Task Sixty_swaps_under_concurrent_rest_and_grpc_load_fail_no_request_and_every_answer_names_a_deployed_version()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var deployments = _host.Services.GetRequiredService<DeploymentManager>();
        var deployed = new ConcurrentDictionary<string, bool>();
        deployed[deployments.Current.Find(LifecycleRequests.Model)!.Spec.Stable.ToString(CultureInfo.InvariantCulture)] = true;
        deployments.Changed += d => deployed[d.Spec.Stable.ToString(CultureInfo.InvariantCulture)] = true;
        var failures = new ConcurrentQueue<string>();
        var answered = new ConcurrentDictionary<string, int>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(TimeSpan.FromSeconds(20));
        var swapsDone = false;

        async Task RestClient(int client)
        {
            using var http = _host.CreateRestClient();
            for (var i = 0; !Volatile.Read(ref swapsDone) && !stop.IsCancellationRequested; i++)
            {
                try
                {
                    using var response = await http.SendAsync(LifecycleRequests.Oip(client + i), stop.Token);
                    if (!response.IsSuccessStatusCode)
                    {
                        failures.Enqueue($"REST {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(stop.Token)}");
                        continue;
                    }

                    answered.AddOrUpdate(await LifecycleRequests.OipVersionAsync(response, stop.Token), 1, (_, n) => n + 1);
                }
                catch (HttpRequestException ex)
                {
                    failures.Enqueue($"REST: {ex.Message}");
                }
            }
        }

        async Task GrpcClient()
        {
            using var channel = GrpcChannel.ForAddress(_host.GrpcUri);
            var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
            for (var i = 0; !Volatile.Read(ref swapsDone) && !stop.IsCancellationRequested; i++)
            {
                try
                {
                    var response = await client.ModelInferAsync(LifecycleRequests.Grpc(i), cancellationToken: stop.Token);
                    answered.AddOrUpdate(response.ModelVersion, 1, (_, n) => n + 1);
                }
                catch (RpcException ex) when (ex.StatusCode != StatusCode.Cancelled)
                {
                    failures.Enqueue($"gRPC {ex.StatusCode}: {ex.Status.Detail}");
                }
            }
        }

        var load = Enumerable.Range(0, RestClients).Select(RestClient).Append(GrpcClient()).ToArray();
        var published = 0;
        var swaps = 0;
        var nextVersion = 3;
        for (var swap = 0; swap < Swaps && !stop.IsCancellationRequested; swap++)
        {
            if (swap % (Swaps / Publications) == Swaps / Publications - 1)
            {
                // A new version published as a copy renamed into place; auto-stable makes it stable.
                var version = nextVersion++;
                Publish(version);
                await WaitForStable(deployments, version, stop.Token);
                published++;

                // The version it replaced drains and is unloaded while requests may still be running on it.
                if (version > 3)
                {
                    deployments.Unload(LifecycleRequests.Model, version - 1, "test");
                }
            }
            else
            {
                deployments.Set(LifecycleRequests.Model, new DeploymentSpec { Stable = 1 + (swap % 2) }, "test", $"swap {swap}");
                await Task.Delay(25, stop.Token);
            }

            swaps++;
        }

        Volatile.Write(ref swapsDone, true);
        await Task.WhenAll(load);

        TestContext.Current.SendDiagnosticMessage($"answers by version: {string.Join(", ", answered.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={a.Value}"))}");
        Assert.False(stop.IsCancellationRequested, "the swaps did not finish within 20 s");
        Assert.Equal(Swaps, swaps);
        Assert.Equal(Publications, published);
        Assert.Empty(failures);
        Assert.Subset(deployed.Keys.ToHashSet(), answered.Keys.ToHashSet());
        Assert.Contains("1", answered.Keys);
        Assert.Contains("2", answered.Keys);
        Assert.True(answered.Values.Sum() > Swaps, $"only {answered.Values.Sum()} requests were answered during {Swaps} swaps");
    }

    private void Publish(int version)
    {
        var folder = Path.Combine(_registry.Path, LifecycleRequests.Model);
        var temporary = Path.Combine(folder, $".tmp-{version}");
        SampleRegistry.CopyDirectory(Path.Combine(folder, "1"), temporary);
        Directory.Move(temporary, Path.Combine(folder, version.ToString(CultureInfo.InvariantCulture)));
    }

    private static async Task WaitForStable(DeploymentManager deployments, int version, CancellationToken cancellationToken)
    {
        while (deployments.Current.Find(LifecycleRequests.Model)!.Spec.Stable != version)
        {
            await Task.Delay(20, cancellationToken);
        }
    }
}
