using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Serving.Core.Routing;

namespace Serving.Gateway.Tests.Hosting;

/// <summary>How the gateway hosts a model that follows MLflow: where its versions live, when it serves, what is refused.</summary>
public sealed class MlflowSourceHostTests : IDisposable
{
    private const string IrisRow = """{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[5.1,3.5,1.4,0.2]}]}""";

    private readonly SampleRegistry _downloaded = new("iris");
    private readonly string _folder = Directory.CreateTempSubdirectory("gateway-mlflow-").FullName;

    public void Dispose()
    {
        _downloaded.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private string Registry => Directory.CreateDirectory(Path.Combine(_folder, "registry")).FullName;

    private string Data => Path.Combine(_folder, "data");

    /// <summary>Settings of a gateway whose iris follows an MLflow server that does not answer (nothing listens there).</summary>
    private Dictionary<string, string?> Settings(params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Serving:DataPath"] = Data,
            ["Serving:Mlflow:TrackingUri"] = "http://127.0.0.1:9",
            ["Serving:Mlflow:PollSeconds"] = "3600",
            ["Serving:Models:iris:Source"] = "mlflow",
        };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    [Fact]
    public async Task Versions_under_the_data_directory_serve_only_once_a_deployment_is_set()
    {
        // As a previous run left them: downloaded into <data>/mlflow, the registry folder empty (it may be read-only).
        SampleRegistry.CopyDirectory(Path.Combine(_downloaded.Path, "iris"), Path.Combine(Data, "mlflow", "iris"));
        await using var host = await new GatewayHost(Registry, Settings()).StartAsync();
        using var client = host.CreateRestClient();
        var token = TestContext.Current.CancellationToken;

        var ready = await client.GetAsync(new Uri("/v2/models/iris/ready", UriKind.Relative), token);
        var refused = await client.PostAsync(new Uri("/v2/models/iris/infer", UriKind.Relative), new StringContent(IrisRow), token);

        Assert.NotEqual(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Contains("no deployment yet: it follows MLflow", await refused.Content.ReadAsStringAsync(token), StringComparison.Ordinal);
        Assert.Equal(DeploymentPolicy.Manual, host.Services.GetRequiredService<DeploymentManager>().PolicyOf("iris"));

        host.Services.GetRequiredService<DeploymentManager>().Set("iris", new DeploymentSpec { Stable = 1 }, "test", "as the aliases would");
        var served = await client.PostAsync(new Uri("/v2/models/iris/infer", UriKind.Relative), new StringContent(IrisRow), token);

        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.False(Directory.Exists(Path.Combine(Registry, "iris")));
    }

    [Theory]
    [InlineData("Serving:Models:iris:Source", "mlfow", "Serving:Models:iris:Source is 'mlfow'; use mlflow, or leave it out")]
    [InlineData("Serving:Models:iris:Policy", "auto-stable", "Serving:Models:iris:Policy is 'auto-stable', but the model follows MLflow")]
    public async Task Settings_that_would_fight_or_miss_the_MLflow_aliases_stop_start_up(string key, string value, string message)
    {
        await using var host = new GatewayHost(Registry, Settings((key, value)));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(host.StartAsync);

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
