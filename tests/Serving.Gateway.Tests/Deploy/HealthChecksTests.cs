using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Serving.Gateway.Tests.Hosting;

namespace Serving.Gateway.Tests.Deploy;

/// <summary>
/// The health checks the deployment files declare, run against the real gateway: the Dockerfile's HEALTHCHECK
/// command (as the container would run it, on the test gateway's port), and the Kubernetes probes' paths.
/// </summary>
public sealed partial class HealthChecksTests(SampleGatewayFixture gateway) : IClassFixture<SampleGatewayFixture>
{
    /// <summary>The HEALTHCHECK's exec-form command, with the REST port replaced by <paramref name="port"/>.</summary>
    private static string[] HealthCheckCommand(int port)
    {
        var match = HealthCheck().Match(File.ReadAllText(DeployPaths.Dockerfile));
        Assert.True(match.Success, "the Dockerfile has no HEALTHCHECK ... CMD [...]");
        var command = JsonSerializer.Deserialize<string[]>(match.Groups["command"].Value)!;
        var rest = DeployAgreementTests.RestPort.ToString(CultureInfo.InvariantCulture);
        return command.Select(part => part.Replace($"/127.0.0.1/{rest}", $"/127.0.0.1/{port}", StringComparison.Ordinal)).ToArray();
    }

    private static async Task<int> RunHealthCheckAsync(int port)
    {
        var command = HealthCheckCommand(port);
        var executable = RequiredTool.Find(command[0], $"the image's {command[0]}");
        var (exitCode, _) = await DeployTool.RunAsync(executable, RepositoryPaths.Root, command[1..]);
        return exitCode;
    }

    [Fact]
    public async Task The_images_health_check_passes_on_a_ready_gateway()
    {
        Assert.Equal(0, await RunHealthCheckAsync(gateway.Host.RestPort));
    }

    [Fact]
    public async Task The_images_health_check_fails_where_no_gateway_listens()
    {
        Assert.NotEqual(0, await RunHealthCheckAsync(FreePorts.Next()));
    }

    [Fact]
    public async Task The_kubernetes_probes_ask_paths_the_gateway_answers_with_200()
    {
        var container = DeployYaml.KubernetesObject("Deployment", "serving-gateway")["spec"]!["template"]!["spec"]!["containers"]![0]!;
        var paths = new[] { "readinessProbe", "livenessProbe" }.Select(p => (string)container[p]!["httpGet"]!["path"]!).ToList();

        foreach (var path in paths)
        {
            using var response = await gateway.Rest.GetAsync(path, TestContext.Current.CancellationToken);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path} answered {(int)response.StatusCode}");
        }
    }

    [GeneratedRegex(@"(?m)^HEALTHCHECK\b[^\n]*\\\n\s*CMD (?<command>\[.*\])\s*$")]
    private static partial Regex HealthCheck();
}
