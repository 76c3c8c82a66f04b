using YamlDotNet.Core;

namespace Serving.Gateway.Tests.Deploy;

/// <summary>Every YAML file under deploy/ parses, so no tool that reads one stops at a syntax error.</summary>
public sealed class YamlFilesTests
{
    public static TheoryData<string> Files => new(DeployPaths.YamlFiles.Select(DeployPaths.Relative));

    [Fact]
    public void The_deploy_folder_holds_the_compose_kubernetes_prometheus_and_grafana_files()
    {
        var files = DeployPaths.YamlFiles.Select(DeployPaths.Relative).ToList();

        Assert.Contains("deploy/compose/docker-compose.yml", files);
        Assert.Contains("deploy/kubernetes/kustomization.yaml", files);
        Assert.Contains("deploy/prometheus/prometheus.yml", files);
        Assert.Contains("deploy/grafana/provisioning/datasources/prometheus.yml", files);
        Assert.True(files.Count >= 14, $"only {files.Count} YAML files found under deploy/");
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void A_yaml_file_parses_into_documents(string file)
    {
        var documents = DeployYaml.Documents(RepositoryPaths.Of(file));

        Assert.NotEmpty(documents);
    }

    [Fact]
    public void The_parser_refuses_broken_yaml()
    {
        var path = Path.Combine(Path.GetTempPath(), $"broken-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, "spec:\n  ports: 8080: http\n");
        try
        {
            Assert.ThrowsAny<YamlException>(() => DeployYaml.Documents(path));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
