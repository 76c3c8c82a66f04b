using System.Net;
using System.Text.Json;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Serving.Gateway.Grpc.Protocol;
using Serving.Gateway.Tests.Hosting;
using Serving.Gateway.Tests.Rest.Admin;

namespace Serving.Gateway.Tests.Registry;

/// <summary>
/// Readiness as a Kubernetes probe sees it: a gateway whose registry folder is missing serves nothing and must
/// say so on every transport, until the folder appears; an empty registry is ready.
/// </summary>
public sealed class ServerReadinessTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task<(HttpStatusCode Status, JsonElement Body)> ReadyAsync(HttpClient client)
    {
        var response = await client.GetAsync("/v2/health/ready", Cancel);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel)).RootElement.Clone());
    }

    [Fact]
    public async Task A_missing_registry_folder_is_not_ready_on_every_transport_until_it_appears()
    {
        using var samples = new SampleRegistry("iris");
        var missing = samples.Path + "-later";
        var logs = new CapturedLogs();
        await using var host = await new GatewayHost(
            missing,
            new Dictionary<string, string?> { ["Serving:Monitoring:PredictionLog:Directory"] = samples.Path + "-predictions" },
            logs).StartAsync();
        using var client = host.CreateRestClient();
        using var channel = GrpcChannel.ForAddress(host.GrpcUri);

        var (status, body) = await ReadyAsync(client);
        var serverReady = await new GRPCInferenceService.GRPCInferenceServiceClient(channel).ServerReadyAsync(new ServerReadyRequest(), cancellationToken: Cancel);
        var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), cancellationToken: Cancel);
        var serviceHealth = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest { Service = "inference.GRPCInferenceService" }, cancellationToken: Cancel);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.False(body.GetProperty("ready").GetBoolean());
        var registry = body.GetProperty("details").EnumerateArray().Single(d => d.GetProperty("name").GetString() == "registry");
        Assert.False(registry.GetProperty("ready").GetBoolean());
        Assert.True(registry.GetProperty("required").GetBoolean());
        Assert.Equal($"registry folder '{missing}' does not exist (Serving:Registry:Path)", registry.GetProperty("reason").GetString());
        Assert.False(serverReady.Ready);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, health.Status);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, serviceHealth.Status);

        // Said once at error level, however often the folder is rescanned or readiness is probed.
        await Task.Delay(TimeSpan.FromSeconds(1.5), Cancel);
        await ReadyAsync(client);
        var errors = logs.Lines.Where(l => l.Contains(" Error: ", StringComparison.Ordinal) || l.Contains(" Critical: ", StringComparison.Ordinal)).ToList();
        var error = Assert.Single(errors);
        Assert.Contains($"registry folder '{missing}' does not exist", error, StringComparison.Ordinal);

        try
        {
            // Published as the README says: complete first, then renamed into place.
            Directory.Move(samples.Path, missing);
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while ((await ReadyAsync(client)).Status != HttpStatusCode.OK && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, Cancel);
            }

            var (after, afterBody) = await ReadyAsync(client);
            var model = await client.GetAsync("/v2/models/iris/ready", Cancel);
            var serverReadyAfter = await new GRPCInferenceService.GRPCInferenceServiceClient(channel).ServerReadyAsync(new ServerReadyRequest(), cancellationToken: Cancel);

            Assert.Equal(HttpStatusCode.OK, after);
            Assert.True(afterBody.GetProperty("ready").GetBoolean());
            Assert.Equal(HttpStatusCode.OK, model.StatusCode);
            Assert.True(serverReadyAfter.Ready);
        }
        finally
        {
            if (Directory.Exists(missing))
            {
                Directory.Move(missing, samples.Path);
            }
        }
    }

    [Fact]
    public async Task An_empty_registry_is_ready_because_models_may_arrive_later()
    {
        var empty = Directory.CreateTempSubdirectory("gateway-empty-registry-").FullName;
        try
        {
            await using var host = await new GatewayHost(empty).StartAsync();
            using var client = host.CreateRestClient();

            var (status, body) = await ReadyAsync(client);

            Assert.Equal(HttpStatusCode.OK, status);
            Assert.True(body.GetProperty("ready").GetBoolean());
            Assert.Contains(body.GetProperty("details").EnumerateArray(), d => d.GetProperty("name").GetString() == "registry" && d.GetProperty("ready").GetBoolean());
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }
}
