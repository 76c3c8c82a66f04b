using System.Net;
using System.Text.Json;
using Serving.Core.Packaging;
using Serving.Gateway.Tests.Hosting;

namespace Serving.Gateway.Tests.Registry;

/// <summary>The registry as an ML engineer uses it: publish by copy and rename, and bad packages that must not hurt.</summary>
public sealed class GatewayRegistryTests
{
    private const string IrisRow = """{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[5.1,3.5,1.4,0.2]}]}""";

    private static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpClient client, HttpMethod method, string path, string? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : new StringContent(body) };
        var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.Clone());
    }

    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> probe, Func<T, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var value = await probe();
            if (done(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task A_version_published_by_copy_and_rename_serves_without_a_restart()
    {
        using var registry = new SampleRegistry("iris");
        await using var host = await new GatewayHost(registry.Path).StartAsync();
        using var client = host.CreateRestClient();

        var staging = Path.Combine(registry.Path, "iris", ".staging-2");
        SampleRegistry.CopyDirectory(Path.Combine(registry.Path, "iris", "1"), staging);
        Directory.Move(staging, Path.Combine(registry.Path, "iris", "2"));

        var (status, body) = await EventuallyAsync(
            () => SendAsync(client, HttpMethod.Post, "/v2/models/iris/infer", IrisRow),
            r => r.Body.TryGetProperty("model_version", out var v) && v.GetString() == "2");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("2", body.GetProperty("model_version").GetString());
        var (_, metadata) = await SendAsync(client, HttpMethod.Get, "/v2/models/iris");
        Assert.Equal(["1", "2"], metadata.GetProperty("versions").EnumerateArray().Select(v => v.GetString()));
    }

    [Fact]
    public async Task A_corrupt_artifact_is_never_served_and_does_not_stop_the_others()
    {
        using var registry = new SampleRegistry("iris", "diabetes");
        var broken = Path.Combine(registry.Path, "iris", "2");
        SampleRegistry.CopyDirectory(Path.Combine(registry.Path, "iris", "1"), broken);
        File.WriteAllBytes(Path.Combine(broken, "model.onnx"), [0x08, 0x07, 0xFF, 0x00, 0x13]);
        var manifest = ManifestSerializer.Read(broken);
        ManifestSerializer.Write(broken, manifest with
        {
            Artifacts = new Dictionary<string, string> { ["model.onnx"] = Checksums.Sha256OfFile(Path.Combine(broken, "model.onnx")) },
        });

        await using var host = await new GatewayHost(registry.Path).StartAsync();
        using var client = host.CreateRestClient();

        var ready = await SendAsync(client, HttpMethod.Get, "/v2/health/ready");
        var versionReady = await SendAsync(client, HttpMethod.Get, "/v2/models/iris/versions/2/ready");
        var pinned = await SendAsync(client, HttpMethod.Post, "/v2/models/iris/versions/2/infer", IrisRow);
        var latest = await SendAsync(client, HttpMethod.Post, "/v2/models/iris/infer", IrisRow);
        var other = await SendAsync(client, HttpMethod.Get, "/v2/models/diabetes/ready");

        Assert.Equal(HttpStatusCode.OK, ready.Status);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, versionReady.Status);
        Assert.False(versionReady.Body.GetProperty("ready").GetBoolean());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, pinned.Status);
        Assert.Contains("version 2 of model 'iris' is failed", pinned.Body.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal("1", latest.Body.GetProperty("model_version").GetString());
        Assert.Equal(HttpStatusCode.OK, other.Status);
    }

    [Fact]
    public async Task A_model_whose_only_version_is_broken_reports_why_while_the_server_stays_ready()
    {
        using var registry = new SampleRegistry("diabetes");
        var broken = Path.Combine(registry.Path, "wine", "1");
        Directory.CreateDirectory(broken);
        File.WriteAllText(Path.Combine(broken, "model.json"), """{"format":"onnx","task":"multiclass","signature":{"inputs":[],"outputs":[]},"artifacts":{"model.onnx":"00"}}""");

        await using var host = await new GatewayHost(registry.Path).StartAsync();
        using var client = host.CreateRestClient();

        var modelReady = await SendAsync(client, HttpMethod.Get, "/v2/models/wine/ready");
        var infer = await SendAsync(client, HttpMethod.Post, "/v2/models/wine/infer", IrisRow);
        var server = await SendAsync(client, HttpMethod.Get, "/v2/health/ready");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, modelReady.Status);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, infer.Status);
        Assert.Contains("invalid manifest", infer.Body.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, server.Status);
    }
}
