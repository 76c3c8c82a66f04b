namespace Serving.Gateway.Tests.Deploy;

/// <summary>The committed files under <c>deploy/</c> that the checks read.</summary>
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
}
