using System.Text.RegularExpressions;

namespace Serving.Cli.Tests.Docs;

/// <summary>
/// The settings the deployment files give the gateway (the Dockerfile's ENV, the compose environment, the
/// Kubernetes ConfigMap and manifests; as <c>Serving__Redis__Configuration</c> or <c>Serving:...</c>) are keys the
/// gateway binds and docs/configuration.md lists, so no deployment sets a key that is silently ignored.
/// </summary>
public sealed class DeployConfigurationKeysTests
{
    private static IEnumerable<string> DeployFiles =>
        Directory.EnumerateFiles(RepositoryPaths.Of("deploy"), "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}node_modules{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => Path.GetExtension(f) is ".yml" or ".yaml" or ".env" or ".cfg" or ".conf" or ".Dockerfile" or ".sh")
            .Append(RepositoryPaths.Of("Dockerfile"));

    private static List<(string Key, string File)> Keys() =>
        DeployFiles.SelectMany(f => ConfigurationKeys.In(File.ReadAllText(f)).Select(k => (k, Path.GetRelativePath(RepositoryPaths.Root, f)))).ToList();

    /// <summary>Whether docs/configuration.md lists the key, a listed <c>&lt;name&gt;</c> or <c>&lt;i&gt;</c> standing for any one segment.</summary>
    private static bool Documented(string key, IReadOnlyCollection<string> listed) =>
        listed.Any(l => l == key || Regex.IsMatch(key, "^" + Regex.Replace(Regex.Escape(l), @"<\w+>", "[^:]+") + "$", RegexOptions.None, TimeSpan.FromSeconds(1)));

    [Fact]
    public void Every_key_the_deployment_files_set_is_bound_and_documented()
    {
        var listed = MarkdownPages.Code("docs/configuration.md").Select(c => c.Text).ToHashSet(StringComparer.Ordinal);
        var keys = Keys();

        var unbound = keys.Where(k => !ConfigurationKeys.Exists(k.Key)).Select(k => $"{k.File}: {k.Key} (the gateway does not read it)");
        var undocumented = keys.Where(k => ConfigurationKeys.Exists(k.Key) && !Documented(k.Key, listed)).Select(k => $"{k.File}: {k.Key} (docs/configuration.md does not list it)");

        var problems = unbound.Concat(undocumented).Distinct().ToList();
        Assert.True(problems.Count == 0, string.Join('\n', problems));
        Assert.Contains(keys, k => k.Key == "Serving:Redis:Configuration" && k.File.EndsWith("gateway.env", StringComparison.Ordinal));
        Assert.Contains(keys, k => k.Key == "Serving:Redis:Configuration" && k.File.EndsWith("docker-compose.yml", StringComparison.Ordinal));
        Assert.Contains(keys, k => k.Key == "Kestrel:Endpoints:Grpc:Url" && k.File == "Dockerfile");
    }

    [Theory]
    [InlineData("Serving:Redis:Configuration", true)]
    [InlineData("Serving:Models:iris:Policy", true)]
    [InlineData("Serving:Redis:Configuratoin", false)]
    [InlineData("Serving:Models:iris:Polices", false)]
    public void The_documentation_check_matches_listed_keys_and_their_name_placeholders(string key, bool expected)
    {
        var listed = MarkdownPages.Code("docs/configuration.md").Select(c => c.Text).ToHashSet(StringComparer.Ordinal);

        Assert.Equal(expected, Documented(key, listed));
    }
}
