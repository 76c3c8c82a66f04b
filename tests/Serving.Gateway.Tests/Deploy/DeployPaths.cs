namespace Serving.Gateway.Tests.Deploy;

/// <summary>The committed files under <c>deploy/</c> (and the root Dockerfile) that the checks read.</summary>
internal static class DeployPaths
{
    public static string PrometheusConfig => RepositoryPaths.Of("deploy", "prometheus", "prometheus.yml");

    public static string RulesDirectory => RepositoryPaths.Of("deploy", "prometheus", "rules");

    public static string RulesFile => Path.Combine(RulesDirectory, "serving.rules.yml");

    public static string RulesTestFile => RepositoryPaths.Of("deploy", "prometheus", "tests", "serving.rules.test.yml");

    public static string DatasourceProvisioning => RepositoryPaths.Of("deploy", "grafana", "provisioning", "datasources", "prometheus.yml");

    public static string DashboardProvisioning => RepositoryPaths.Of("deploy", "grafana", "provisioning", "dashboards", "serving.yml");

    public static IReadOnlyList<string> Dashboards =>
        Directory.GetFiles(RepositoryPaths.Of("deploy", "grafana", "dashboards"), "*.json").Order(StringComparer.Ordinal).ToList();

    public static string Dockerfile => RepositoryPaths.Of("Dockerfile");

    public static string GatewayAppSettings => RepositoryPaths.Of("src", "Serving.Gateway", "appsettings.json");

    public static string ComposeDirectory => RepositoryPaths.Of("deploy", "compose");

    public static string ComposeFile => Path.Combine(ComposeDirectory, "docker-compose.yml");

    public static string HaproxyConfig => Path.Combine(ComposeDirectory, "haproxy.cfg");

    public static string ComposePrometheusConfig => Path.Combine(ComposeDirectory, "prometheus.yml");

    public static string KubernetesDirectory => RepositoryPaths.Of("deploy", "kubernetes");

    public static string Kustomization => Path.Combine(KubernetesDirectory, "kustomization.yaml");

    public static string GatewayEnv => Path.Combine(KubernetesDirectory, "gateway.env");

    public static string RedisConf => Path.Combine(KubernetesDirectory, "redis.conf");

    public static string KubernetesValidator => Path.Combine(KubernetesDirectory, "validate", "validate.mjs");

    /// <summary>Every YAML file under deploy/, node_modules left out.</summary>
    public static IReadOnlyList<string> YamlFiles =>
        Directory.EnumerateFiles(RepositoryPaths.Of("deploy"), "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".yml", StringComparison.Ordinal) || f.EndsWith(".yaml", StringComparison.Ordinal))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}node_modules{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>A path below deploy/ as the repository names it (forward slashes), for test names and messages.</summary>
    public static string Relative(string path) => Path.GetRelativePath(RepositoryPaths.Root, path).Replace('\\', '/');
}
