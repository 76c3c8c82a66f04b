namespace Serving.Gateway.Tests.Deploy;

/// <summary>
/// deploy/kubernetes as kustomize applies it: every object validates against the Kubernetes and Prometheus
/// Operator schemas, with no field they lack, and the names they use of each other exist (validate/validate.mjs,
/// run with the repository's own node packages), and the gateway's Deployment has what a replica needs.
/// </summary>
public sealed class KubernetesManifestsTests
{
    private static readonly string[] RequiredObjects =
    [
        "Deployment/serving-gateway", "Service/serving-gateway", "ConfigMap/serving-gateway-config",
        "HorizontalPodAutoscaler/serving-gateway", "PodDisruptionBudget/serving-gateway", "StatefulSet/serving-redis",
        "Service/serving-redis", "ServiceMonitor/serving-gateway", "PersistentVolumeClaim/serving-models", "CronJob/serving-batch-score",
    ];

    private static async Task<(int ExitCode, string Output)> ValidateAsync(string folder)
    {
        var node = RequiredTool.Find("node", "apt-get install nodejs npm");
        if (!Directory.Exists(Path.Combine(Path.GetDirectoryName(DeployPaths.KubernetesValidator)!, "node_modules")))
        {
            const string message = "the validator's packages are not installed (npm ci --prefix deploy/kubernetes/validate)";
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Fail(message + "; CI must install them");
            }

            Assert.Skip(message);
        }

        return await DeployTool.RunAsync(node, RepositoryPaths.Root, DeployPaths.KubernetesValidator, folder);
    }

    [Fact]
    public async Task Every_object_of_the_kustomization_validates_against_its_schema()
    {
        var (exitCode, output) = await ValidateAsync(DeployPaths.KubernetesDirectory);

        Assert.True(exitCode == 0, $"validate.mjs (exit {exitCode}):\n{output}");
        Assert.All(RequiredObjects, o => Assert.Contains($"valid {o} ", output, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("gateway.yaml", "containerPort: 8080", "containerPort: http8080", "must be integer")]
    [InlineData("autoscaling.yaml", "apiVersion: autoscaling/v2", "apiVersion: autoscaling/v9", "no schema for apiVersion autoscaling/v9")]
    [InlineData("gateway.yaml", "claimName: serving-models", "claimName: serving-model", "uses claim serving-model, which is not here")]
    [InlineData("gateway.yaml", "targetPort: grpc", "targetPort: grcp", "targetPort grcp is no container port")]
    [InlineData("servicemonitor.yaml", "- port: http", "- port: metrics", "port metrics is no port of the Services")]
    [InlineData("gateway.yaml", "  replicas: 2", "  replica: 2", "Deployment/serving-gateway (gateway.yaml): .spec.replica is not a field of the schema")]
    [InlineData("servicemonitor.yaml", "interval: 15s", "intervall: 15s", ".spec.endpoints[0].intervall is not a field of the schema")]
    public async Task The_validator_refuses_a_broken_copy(string file, string from, string to, string expected)
    {
        var copy = Directory.CreateTempSubdirectory("kustomize-");
        try
        {
            foreach (var path in Directory.GetFiles(DeployPaths.KubernetesDirectory))
            {
                File.Copy(path, Path.Combine(copy.FullName, Path.GetFileName(path)));
            }

            var target = Path.Combine(copy.FullName, file);
            var text = File.ReadAllText(target);
            Assert.Contains(from, text, StringComparison.Ordinal);
            File.WriteAllText(target, text.Replace(from, to, StringComparison.Ordinal));

            var (exitCode, output) = await ValidateAsync(copy.FullName);

            Assert.True(exitCode == 1, $"validate.mjs accepted {file} with '{to}' (exit {exitCode}):\n{output}");
            Assert.Contains(expected, output, StringComparison.Ordinal);
        }
        finally
        {
            copy.Delete(recursive: true);
        }
    }

    [Fact]
    public void Every_manifest_of_the_folder_is_in_the_kustomization()
    {
        var kustomization = DeployYaml.Single(DeployPaths.Kustomization);
        var listed = kustomization["resources"]!.AsArray().Select(r => (string)r!).ToHashSet(StringComparer.Ordinal);
        var files = Directory.GetFiles(DeployPaths.KubernetesDirectory, "*.yaml").Select(Path.GetFileName).Where(f => f != "kustomization.yaml");

        Assert.All(files, f => Assert.Contains(f!, listed));
    }

    [Fact]
    public void The_gateway_runs_as_non_root_with_a_read_only_registry_a_writable_data_directory_and_the_oip_probes()
    {
        var deployment = DeployYaml.KubernetesObject("Deployment", "serving-gateway");
        var pod = deployment["spec"]!["template"]!["spec"]!;
        var container = pod["containers"]!.AsArray().Single()!;
        var mounts = container["volumeMounts"]!.AsArray().ToDictionary(m => (string)m!["mountPath"]!, m => m!);
        var volumes = pod["volumes"]!.AsArray().ToDictionary(v => (string)v!["name"]!, v => v!);
        var settings = KubernetesSettings();

        Assert.Equal("true", (string?)pod["securityContext"]!["runAsNonRoot"]);
        Assert.NotEqual("0", (string?)pod["securityContext"]!["runAsUser"]);
        Assert.Equal("2", (string?)deployment["spec"]!["replicas"]);

        var registry = mounts[settings["Serving__Registry__Path"]];
        Assert.Equal("true", (string?)registry["readOnly"]);
        Assert.Equal("ReadOnlyMany", (string?)DeployYaml.KubernetesObject("PersistentVolumeClaim", (string)volumes[(string)registry["name"]!]["persistentVolumeClaim"]!["claimName"]!)["spec"]!["accessModes"]![0]);

        var data = mounts[settings["Serving__DataPath"]];
        Assert.Null(data["readOnly"]);
        Assert.NotNull(volumes[(string)data["name"]!]["emptyDir"]);

        Assert.Equal("/v2/health/ready", (string?)container["readinessProbe"]!["httpGet"]!["path"]);
        Assert.Equal("/v2/health/live", (string?)container["livenessProbe"]!["httpGet"]!["path"]);
    }

    [Fact]
    public void The_autoscaler_keeps_two_replicas_and_the_disruption_budget_one()
    {
        var autoscaler = DeployYaml.KubernetesObject("HorizontalPodAutoscaler", "serving-gateway");
        var budget = DeployYaml.KubernetesObject("PodDisruptionBudget", "serving-gateway");

        Assert.Equal("autoscaling/v2", (string?)autoscaler["apiVersion"]);
        Assert.Equal("2", (string?)autoscaler["spec"]!["minReplicas"]);
        Assert.Equal("1", (string?)budget["spec"]!["minAvailable"]);
        // The autoscaler's CPU target is a share of the request: without one it cannot scale.
        Assert.NotNull(DeployYaml.KubernetesObject("Deployment", "serving-gateway")["spec"]!["template"]!["spec"]!["containers"]![0]!["resources"]!["requests"]!["cpu"]);
    }

    /// <summary>The gateway's environment in Kubernetes: gateway.env, the ConfigMap the Deployment reads with envFrom.</summary>
    internal static Dictionary<string, string> KubernetesSettings() =>
        File.ReadAllLines(DeployPaths.GatewayEnv)
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
}
