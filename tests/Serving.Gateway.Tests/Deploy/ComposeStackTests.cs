using System.Text.Json.Nodes;

namespace Serving.Gateway.Tests.Deploy;

/// <summary>
/// deploy/compose: docker-compose accepts the file, HAProxy its config and promtool the Prometheus config, and the
/// services find each other by their compose names (Grafana reaches Prometheus as http://prometheus:9090).
/// </summary>
public sealed class ComposeStackTests
{
    private static JsonNode Compose => DeployYaml.Single(DeployPaths.ComposeFile);

    private static JsonNode Service(string name) => Compose["services"]![name] ?? throw new InvalidOperationException($"docker-compose.yml has no service {name}");

    private static async Task<(int ExitCode, string Output)> ComposeConfigAsync(string file)
    {
        var compose = RequiredTool.Find("docker-compose", "apt-get install docker-compose");
        return await DeployTool.RunAsync(compose, Path.GetDirectoryName(file)!, "--file", file, "config", "--quiet");
    }

    [Fact]
    public async Task Docker_compose_config_accepts_the_compose_file()
    {
        var (exitCode, output) = await ComposeConfigAsync(DeployPaths.ComposeFile);

        Assert.True(exitCode == 0, $"docker-compose config (exit {exitCode}):\n{output}");
    }

    [Fact]
    public async Task Docker_compose_config_refuses_a_service_with_an_unknown_key()
    {
        var copy = Path.Combine(DeployPaths.ComposeDirectory, $".broken-{Guid.NewGuid():N}.yml");
        var text = File.ReadAllText(DeployPaths.ComposeFile);
        File.WriteAllText(copy, text.Replace("    stop_grace_period: 35s", "    stop_grace_periods: 35s", StringComparison.Ordinal));
        try
        {
            var (exitCode, output) = await ComposeConfigAsync(copy);

            Assert.True(exitCode != 0, "docker-compose config accepted stop_grace_periods");
            Assert.Contains("stop_grace_periods", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(copy);
        }
    }

    [Fact]
    public void Two_gateway_replicas_run_behind_the_load_balancer_with_redis_prometheus_and_grafana()
    {
        var gateway = Service("gateway");

        Assert.Equal("2", (string?)gateway["deploy"]!["replicas"]);
        // Published ports or a container name would stop `--scale` from adding replicas.
        Assert.Null(gateway["ports"]);
        Assert.Null(gateway["container_name"]);
        Assert.All(["loadbalancer", "redis", "prometheus", "grafana"], s => Assert.NotNull(Service(s)));
        Assert.StartsWith("redis:", (string?)gateway["environment"]!["Serving__Redis__Configuration"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Haproxy_accepts_its_config()
    {
        var haproxy = RequiredTool.Find("haproxy", "apt-get install haproxy");

        var (exitCode, output) = await DeployTool.RunAsync(haproxy, DeployPaths.ComposeDirectory, "-c", "-f", DeployPaths.HaproxyConfig);

        Assert.True(exitCode == 0, $"haproxy -c (exit {exitCode}):\n{output}");
    }

    [Fact]
    public async Task Promtool_accepts_the_compose_prometheus_config_with_the_mounted_rules()
    {
        var promtool = RequiredTool.Find("promtool", "apt-get install prometheus");
        var prometheus = Service("prometheus");
        var mounts = Mounts(prometheus);
        var configMount = mounts.Single(m => m.Target == "/etc/prometheus/prometheus.yml");
        var rulesMount = mounts.Single(m => m.Target == "/etc/prometheus/rules");

        // The container's /etc/prometheus, laid out in a temporary folder from the compose file's own mounts.
        var root = Directory.CreateTempSubdirectory("compose-prometheus-");
        try
        {
            File.Copy(Path.Combine(DeployPaths.ComposeDirectory, configMount.Source), Path.Combine(root.FullName, "prometheus.yml"));
            Directory.CreateDirectory(Path.Combine(root.FullName, "rules"));
            foreach (var rules in Directory.GetFiles(Path.Combine(DeployPaths.ComposeDirectory, rulesMount.Source)))
            {
                File.Copy(rules, Path.Combine(root.FullName, "rules", Path.GetFileName(rules)));
            }

            var (exitCode, output) = await DeployTool.RunAsync(promtool, root.FullName, "check", "config", "prometheus.yml");

            Assert.True(exitCode == 0, $"promtool check config (exit {exitCode}):\n{output}");
            Assert.Contains("rules/serving.rules.yml", output, StringComparison.Ordinal);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Fact]
    public void Prometheus_scrapes_the_gateway_service_by_name_on_the_rest_port()
    {
        var config = DeployYaml.Single(DeployPaths.ComposePrometheusConfig);
        var job = config["scrape_configs"]!.AsArray().Single(j => (string?)j!["job_name"] == "serving-gateway")!;
        var discovery = job["dns_sd_configs"]![0]!;

        Assert.Equal("gateway", (string?)discovery["names"]![0]);
        Assert.NotNull(Service((string)discovery["names"]![0]!));
        Assert.Equal(DeployAgreementTests.RestPort.ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)discovery["port"]);
        Assert.Equal("/metrics", (string?)job["metrics_path"]);
    }

    [Fact]
    public void Grafana_reaches_prometheus_by_service_name_and_loads_the_provisioned_dashboards()
    {
        var datasource = DeployYaml.Single(DeployPaths.DatasourceProvisioning)["datasources"]![0]!;
        var url = new Uri((string)datasource["url"]!);
        var grafana = Mounts(Service("grafana"));
        var dashboardsPath = (string)DeployYaml.Single(DeployPaths.DashboardProvisioning)["providers"]![0]!["options"]!["path"]!;

        Assert.NotEqual("localhost", url.Host);
        Assert.NotNull(Service(url.Host));
        Assert.Contains(Mounts(Service(url.Host)), m => m.Target == "/etc/prometheus/prometheus.yml");
        Assert.Equal(9090, url.Port);
        Assert.Contains(grafana, m => m.Target == "/etc/grafana/provisioning" && Same(m.Source, Path.GetDirectoryName(Path.GetDirectoryName(DeployPaths.DatasourceProvisioning))!));
        Assert.Contains(grafana, m => m.Target == dashboardsPath && Same(m.Source, Path.GetDirectoryName(DeployPaths.Dashboards[0])!));
    }

    [Fact]
    public void Every_file_the_compose_file_mounts_exists()
    {
        var mounts = Compose["services"]!.AsObject().SelectMany(s => Mounts(s.Value!)).Where(m => m.Source.StartsWith('.')).ToList();

        Assert.NotEmpty(mounts);
        Assert.All(mounts, m => Assert.True(Path.Exists(Path.Combine(DeployPaths.ComposeDirectory, m.Source)), $"{m.Source} is mounted but missing"));
    }

    /// <summary>The service's volume mounts in the short form, <c>source:target[:mode]</c>.</summary>
    internal static IReadOnlyList<(string Source, string Target)> Mounts(JsonNode service) =>
        service["volumes"]?.AsArray().Select(v => ((string)v!).Split(':')).Select(p => (p[0], p[1])).ToList() ?? [];

    private static bool Same(string relative, string absolute) =>
        Path.GetFullPath(Path.Combine(DeployPaths.ComposeDirectory, relative)) == Path.GetFullPath(absolute);
}
