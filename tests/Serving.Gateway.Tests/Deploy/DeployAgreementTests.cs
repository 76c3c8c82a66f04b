using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Serving.Gateway.Tests.Deploy;

/// <summary>
/// The Dockerfile, deploy/compose and deploy/kubernetes agree with the gateway's own settings
/// (src/Serving.Gateway/appsettings.json) and with each other: the same ports with the same protocols, the same
/// registry and data paths, the image's defaults said the same way everywhere.
/// </summary>
public sealed partial class DeployAgreementTests
{
    /// <summary>The REST port of appsettings.json's Kestrel endpoint (HTTP/1.1).</summary>
    public static int RestPort => Endpoint("Http").Port;

    /// <summary>The gRPC port of appsettings.json's Kestrel endpoint (HTTP/2 cleartext).</summary>
    public static int GrpcPort => Endpoint("Grpc").Port;

    private static Uri Endpoint(string name) =>
        new((string)JsonNode.Parse(File.ReadAllText(DeployPaths.GatewayAppSettings))!["Kestrel"]!["Endpoints"]![name]!["Url"]!);

    private static string Protocols(string name) =>
        (string)JsonNode.Parse(File.ReadAllText(DeployPaths.GatewayAppSettings))!["Kestrel"]!["Endpoints"]![name]!["Protocols"]!;

    private static string Dockerfile => File.ReadAllText(DeployPaths.Dockerfile);

    /// <summary>The image's environment: every NAME=value of its ENV lines.</summary>
    private static Dictionary<string, string> ImageSettings() =>
        DockerEnv().Matches(Dockerfile).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["value"].Value, StringComparer.Ordinal);

    [Fact]
    public void The_gateway_listens_on_8080_for_http1_and_8081_for_h2c()
    {
        // The numbers every file below repeats; a change here must be made there too.
        Assert.Equal((8080, 8081), (RestPort, GrpcPort));
        Assert.Equal("Http1", Protocols("Http"));
        Assert.Equal("Http2", Protocols("Grpc"));
    }

    [Fact]
    public void The_image_listens_on_all_interfaces_on_the_gateways_ports_and_exposes_them()
    {
        var settings = ImageSettings();

        Assert.Equal($"http://0.0.0.0:{RestPort}", settings["Kestrel__Endpoints__Http__Url"]);
        Assert.Equal($"http://0.0.0.0:{GrpcPort}", settings["Kestrel__Endpoints__Grpc__Url"]);
        Assert.Matches($@"(?m)^EXPOSE {RestPort} {GrpcPort}\s*$", Dockerfile);
        Assert.Contains($"/dev/tcp/127.0.0.1/{RestPort}", Dockerfile, StringComparison.Ordinal);
    }

    [Fact]
    public void The_image_serves_its_sample_registry_runs_as_non_root_and_keeps_its_data_directory_on_a_volume()
    {
        var settings = ImageSettings();

        Assert.Matches($@"(?m)^COPY models/ {Regex.Escape(settings["Serving__Registry__Path"])}/?\s*$", Dockerfile);
        Assert.Matches($@"(?m)^VOLUME {Regex.Escape(settings["Serving__DataPath"])}\s*$", Dockerfile);
        Assert.Matches(@"(?m)^USER \$APP_UID\s*$", Dockerfile);
        Assert.Matches(@"(?m)^HEALTHCHECK ", Dockerfile);
        // Two stages: the SDK builds, the ASP.NET runtime runs; only linux-x64 native libraries are published.
        Assert.Equal(2, FromLine().Matches(Dockerfile).Count);
        Assert.Matches(@"(?m)^FROM mcr\.microsoft\.com/dotnet/aspnet:", Dockerfile);
        Assert.Matches(@"dotnet publish src/Serving\.Gateway .*-r linux-x64", Dockerfile);
    }

    [Fact]
    public void Kubernetes_uses_the_images_ports_paths_and_protocols()
    {
        var image = ImageSettings();
        var settings = KubernetesManifestsTests.KubernetesSettings();
        var pod = DeployYaml.KubernetesObject("Deployment", "serving-gateway")["spec"]!["template"]!["spec"]!;
        var container = pod["containers"]![0]!;
        var containerPorts = container["ports"]!.AsArray().ToDictionary(p => (string)p!["name"]!, p => int.Parse((string)p!["containerPort"]!, CultureInfo.InvariantCulture));
        var servicePorts = DeployYaml.KubernetesObject("Service", "serving-gateway")["spec"]!["ports"]!.AsArray().ToDictionary(p => (string)p!["name"]!, p => p!);
        var mounts = container["volumeMounts"]!.AsArray().Select(m => (string)m!["mountPath"]!).ToList();

        foreach (var key in new[] { "Kestrel__Endpoints__Http__Url", "Kestrel__Endpoints__Grpc__Url", "Serving__Registry__Path", "Serving__DataPath" })
        {
            Assert.Equal(image[key], settings[key]);
        }

        Assert.Equal(RestPort, containerPorts["http"]);
        Assert.Equal(GrpcPort, containerPorts["grpc"]);
        Assert.Equal(RestPort.ToString(CultureInfo.InvariantCulture), (string?)servicePorts["http"]["port"]);
        Assert.Equal(GrpcPort.ToString(CultureInfo.InvariantCulture), (string?)servicePorts["grpc"]["port"]);
        Assert.Equal("kubernetes.io/h2c", (string?)servicePorts["grpc"]["appProtocol"]);
        Assert.Equal("http", (string?)container["readinessProbe"]!["httpGet"]!["port"]);
        Assert.Contains(settings["Serving__Registry__Path"], mounts);
        Assert.Contains(settings["Serving__DataPath"], mounts);
        Assert.Equal("serving-redis:6379", settings["Serving__Redis__Configuration"]);
        Assert.Equal("6379", (string?)DeployYaml.KubernetesObject("Service", "serving-redis")["spec"]!["ports"]![0]!["port"]);
    }

    [Fact]
    public void The_batch_job_reads_the_registry_volume_the_gateway_serves()
    {
        var gatewayPod = DeployYaml.KubernetesObject("Deployment", "serving-gateway")["spec"]!["template"]!["spec"]!;
        var jobPod = DeployYaml.KubernetesObject("CronJob", "serving-batch-score")["spec"]!["jobTemplate"]!["spec"]!["template"]!["spec"]!;

        static string Claim(JsonNode pod) => (string)pod["volumes"]!.AsArray().Single(v => (string?)v!["name"] == "models")!["persistentVolumeClaim"]!["claimName"]!;

        Assert.Equal(Claim(gatewayPod), Claim(jobPod));
        Assert.Contains("--registry=" + KubernetesManifestsTests.KubernetesSettings()["Serving__Registry__Path"], jobPod["containers"]![0]!["args"]!.AsArray().Select(a => (string)a!));
    }

    [Fact]
    public void Compose_uses_the_images_ports_and_paths_and_the_balancer_speaks_h2c_to_the_grpc_port()
    {
        var image = ImageSettings();
        var gateway = DeployYaml.Single(DeployPaths.ComposeFile)["services"]!["gateway"]!;
        var balancer = DeployYaml.Single(DeployPaths.ComposeFile)["services"]!["loadbalancer"]!;
        var haproxy = File.ReadAllText(DeployPaths.HaproxyConfig);

        Assert.Equal(image["Serving__Registry__Path"], (string?)gateway["environment"]!["Serving__Registry__Path"]);
        Assert.Equal(image["Serving__DataPath"], (string?)gateway["environment"]!["Serving__DataPath"]);
        Assert.Contains(ComposeStackTests.Mounts(gateway), m => m.Target == image["Serving__Registry__Path"]);
        Assert.Equal([RestPort.ToString(CultureInfo.InvariantCulture), GrpcPort.ToString(CultureInfo.InvariantCulture)], gateway["expose"]!.AsArray().Select(p => (string)p!));
        Assert.Equal([$"{RestPort}:{RestPort}", $"{GrpcPort}:{GrpcPort}"], balancer["ports"]!.AsArray().Select(p => (string)p!));

        Assert.Matches($@"(?m)^\s*bind :{RestPort}\s*$", haproxy);
        Assert.Matches($@"(?m)^\s*bind :{GrpcPort} proto h2\s*$", haproxy);
        Assert.Matches($@"(?m)^\s*server-template gateway \S+ gateway:{RestPort} check\s*$", haproxy);
        Assert.Matches($@"(?m)^\s*server-template gateway \S+ gateway:{GrpcPort} proto h2 check port {RestPort} check-proto h1\s*$", haproxy);
        Assert.Matches(@"(?m)^\s*option httpchk GET /v2/health/ready\s*$", haproxy);
    }

    [Fact]
    public void Compose_and_kubernetes_start_redis_with_the_one_redis_conf()
    {
        var redis = DeployYaml.Single(DeployPaths.ComposeFile)["services"]!["redis"]!;
        var mount = ComposeStackTests.Mounts(redis).Single(m => m.Target.EndsWith(".conf", StringComparison.Ordinal));
        var generator = DeployYaml.Single(DeployPaths.Kustomization)["configMapGenerator"]!.AsArray().Single(g => (string?)g!["name"] == "serving-redis-config")!;
        var statefulSet = DeployYaml.KubernetesObject("StatefulSet", "serving-redis")["spec"]!["template"]!["spec"]!["containers"]![0]!;
        var configMount = (string)statefulSet["volumeMounts"]!.AsArray().Single(m => (string?)m!["name"] == "config")!["mountPath"]!;

        Assert.Equal(Path.GetFullPath(DeployPaths.RedisConf), Path.GetFullPath(Path.Combine(DeployPaths.ComposeDirectory, mount.Source)));
        Assert.Equal(mount.Target, (string?)redis["command"]![1]);
        Assert.Equal("redis.conf", (string?)generator["files"]![0]);
        Assert.Equal($"{configMount}/redis.conf", (string?)statefulSet["args"]![1]);
    }

    [GeneratedRegex(@"(?:^ENV\s+|\\\s*\n\s*)(?<name>[A-Za-z_][A-Za-z0-9_]*)=(?<value>\S+)", RegexOptions.Multiline)]
    private static partial Regex DockerEnv();

    [GeneratedRegex(@"(?m)^FROM\s")]
    private static partial Regex FromLine();
}
