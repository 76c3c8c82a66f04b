extern alias gateway;

using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Serving.Core.Packaging;

namespace Serving.Cli.Tests.Docs;

/// <summary>
/// README.md and docs/ stay true to the product: every <c>serving ...</c> command they show exists in the CLI,
/// every configuration key they name is one the gateway reads, the configuration reference lists every key, and
/// their links lead somewhere. Each checker is also shown rejecting something made up, so a green run means it
/// looked.
/// </summary>
public sealed partial class DocsHonestyTests
{
    private static readonly System.CommandLine.RootCommand Cli = ServingCli.Create(CliOutput.Standard(), () => throw new InvalidOperationException("not run"));

    private static IEnumerable<MarkdownCode> AllCode => MarkdownPages.All.SelectMany(MarkdownPages.Code);

    [Fact]
    public void Every_serving_command_the_docs_show_exists_with_its_options()
    {
        var lines = AllCode.SelectMany(c => CliCommandLines.Invocations(c.Text).Select(args => (args, c.Where))).ToList();

        var problems = lines.SelectMany(l => CliCommandLines.Check(Cli, l.args).Select(p => $"{l.Where}: serving {l.args}: {p}")).ToList();

        Assert.True(problems.Count == 0, string.Join('\n', problems));
        Assert.True(lines.Count >= 30, $"only {lines.Count} serving command lines found; is the parser still reading the docs?");
        Assert.Contains(lines, l => l.args.StartsWith("rollout start", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("nosuch")]
    [InlineData("models nosuch")]
    [InlineData("rollout pause|nosuch iris")]
    [InlineData("deploy iris --stable 2 --nosuch 3")]
    [InlineData("logs tail iris --nosuch")]
    [InlineData("promote iris extra")]
    public void The_command_checker_rejects_what_the_cli_does_not_have(string arguments) =>
        Assert.NotEmpty(CliCommandLines.Check(Cli, arguments));

    [Theory]
    [InlineData("deploy iris --stable 2 --canary 3 --weight 10 --url http://127.0.0.1:8080")]
    [InlineData("rollout pause|resume|abort iris")]
    [InlineData("logs tail breast-cancer -n 5 -f")]
    [InlineData("drift <model> [--url URL] [--json]")]
    [InlineData("package ...")]
    [InlineData("--version")]
    [InlineData("rollout status --help")]
    public void The_command_checker_accepts_what_the_cli_has(string arguments) =>
        Assert.Empty(CliCommandLines.Check(Cli, arguments));

    [Theory]
    [InlineData("serving models list", "models list")]
    [InlineData("v=$(serving package model.onnx --name m)", "package model.onnx --name m")]
    [InlineData("dotnet run --project src/Serving.Cli -- train iris --out /tmp/x   # comment", "train iris --out /tmp/x")]
    [InlineData("SERVING_REDIS=localhost:6379 serving logs tail m | jq .", "logs tail m | jq .")]
    public void Command_lines_are_found_in_code(string code, string arguments) =>
        Assert.Equal([arguments], CliCommandLines.Invocations(code));

    [Theory]
    [InlineData("redis-cli XREVRANGE serving:predictions:breast-cancer + -")]
    [InlineData("serving_requests_total")]
    [InlineData("docker build -t serving-gateway .")]
    [InlineData("the `serving` command")]
    public void Other_uses_of_the_word_are_not_command_lines(string code) =>
        Assert.Empty(CliCommandLines.Invocations(code));

    [Fact]
    public void Every_configuration_key_the_docs_name_exists()
    {
        var keys = AllCode.SelectMany(c => ConfigurationKeys.In(c.Text).Select(k => (Key: k, c.Where))).ToList();

        var unknown = keys.Where(k => !ConfigurationKeys.Exists(k.Key)).Select(k => $"{k.Where}: {k.Key}").ToList();

        Assert.True(unknown.Count == 0, "keys the gateway does not read:\n" + string.Join('\n', unknown));
        Assert.True(keys.Select(k => k.Key).Distinct().Count() >= 80, $"only {keys.Count} keys found; is the parser still reading the docs?");
    }

    [Theory]
    [InlineData("Serving:Nope")]
    [InlineData("Serving:Registry:Nope")]
    [InlineData("Serving:Registry:Path:Extra")]
    [InlineData("Serving:Registry:FullPath")]
    [InlineData("Serving:Models:iris:Nope")]
    [InlineData("Serving:Deployment:Models:iris:Policy")]
    [InlineData("Serving:Rollouts:EffectiveSteps")]
    [InlineData("Serving:Rollouts:Steps:first")]
    [InlineData("Serving:Monitoring:Models:iris:Drift:Enabled")]
    [InlineData("Kestrel:Nope:Url")]
    public void The_key_checker_rejects_keys_the_gateway_does_not_read(string key) =>
        Assert.False(ConfigurationKeys.Exists(key), key);

    [Theory]
    [InlineData("Serving:Models:iris:Policy")]
    [InlineData("Serving:Models:<name>:Mlflow:CanaryWeight")]
    [InlineData("serving:registry:path")]
    [InlineData("Serving:Rollouts:Steps:0")]
    [InlineData("Serving:Monitoring:Models:breast-cancer:Drift:Psi")]
    [InlineData("Serving:Monitoring:PredictionLog:ModelSampleRates:iris")]
    [InlineData("Kestrel:Endpoints:Grpc:Url")]
    [InlineData("Kestrel:Limits:MaxRequestBodySize")]
    [InlineData("Serving:Monitoring")]
    public void The_key_checker_accepts_keys_the_gateway_reads(string key) =>
        Assert.True(ConfigurationKeys.Exists(key), key);

    [Theory]
    [InlineData("--Serving:Admin:ApiKey=secret", "Serving:Admin:ApiKey")]
    [InlineData("Serving__Registry__Path=/srv/models", "Serving:Registry:Path")]
    [InlineData("`Kestrel:Endpoints:Http:Url`)", "Kestrel:Endpoints:Http:Url")]
    [InlineData("src/Serving.Gateway and Serving gateway", null)]
    public void Keys_are_found_in_code(string code, string? key) =>
        Assert.Equal(key is null ? [] : [key], ConfigurationKeys.In(code));

    [Fact]
    public void The_configuration_reference_lists_every_key()
    {
        var listed = MarkdownPages.Code("docs/configuration.md").Select(c => c.Text).ToHashSet(StringComparer.Ordinal);

        var missing = ConfigurationKeys.All("Serving").Concat(ConfigurationKeys.All("Kestrel:Endpoints")).Append("Kestrel:Limits:MaxRequestBodySize")
            .Where(k => !listed.Contains(k.Replace("Kestrel:Endpoints:<name>", "Kestrel:Endpoints:Http", StringComparison.Ordinal)))
            .ToList();

        Assert.True(missing.Count == 0, "docs/configuration.md does not list:\n" + string.Join('\n', missing));
        Assert.Contains("Serving:Monitoring:Models:<name>:Drift:KsPValue", ConfigurationKeys.All("Serving"));
    }

    [Fact]
    public void Every_key_in_appsettings_json_exists()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(RepositoryPaths.Of("src", "Serving.Gateway", "appsettings.json")));
        var keys = new List<string>();
        Flatten(json.RootElement, string.Empty, keys);

        var ours = keys.Where(k => k.StartsWith("Serving:", StringComparison.Ordinal) || k.StartsWith("Kestrel:", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(ours);
        Assert.All(ours, k => Assert.True(ConfigurationKeys.Exists(k), $"appsettings.json sets {k}, which the gateway does not read"));
    }

    [Fact]
    public void The_section_table_matches_what_the_gateway_code_reads()
    {
        var read = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(RepositoryPaths.Of("src"), "*.cs", SearchOption.AllDirectories)
                     .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                         && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                         && !f.Contains($"{Path.DirectorySeparatorChar}Serving.Cli{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            var code = File.ReadAllText(file);
            read.UnionWith(GetSectionLiteral().Matches(code).Select(m => m.Groups[1].Value));
            read.UnionWith(GetSectionConstant().Matches(code).Select(m => SectionNameOf(m.Groups[1].Value)));
            read.UnionWith(GetValueLiteral().Matches(code).Select(m => m.Groups[1].Value));
            read.UnionWith(IndexerLiteral().Matches(code).Select(m => m.Groups[1].Value));
        }

        var table = ConfigurationKeys.Sections.Where(s => s.Source is not null).Select(s => s.Source!).ToHashSet(StringComparer.Ordinal);

        Assert.True(read.SetEquals(table), $"the gateway reads [{string.Join(", ", read.Except(table))}] which ConfigurationKeys.Sections lacks; the table has [{string.Join(", ", table.Except(read))}] which the code no longer reads");
    }

    [Fact]
    public void Links_between_the_pages_lead_somewhere()
    {
        var broken = new List<string>();
        foreach (var link in MarkdownPages.All.SelectMany(MarkdownPages.Links))
        {
            var target = link.Target ?? link.Page;
            if (!File.Exists(RepositoryPaths.Of(target)) && !Directory.Exists(RepositoryPaths.Of(target)))
            {
                broken.Add($"{link.Where}: {target} does not exist");
            }
            else if (link.Anchor is { } anchor && target.EndsWith(".md", StringComparison.Ordinal) && !MarkdownPages.Anchors(target).Contains(anchor))
            {
                broken.Add($"{link.Where}: {target} has no heading #{anchor}");
            }
        }

        Assert.True(broken.Count == 0, string.Join('\n', broken));
    }

    [Fact]
    public void The_link_checker_knows_a_heading_from_a_made_up_anchor()
    {
        var anchors = MarkdownPages.Anchors("docs/registry.md");

        Assert.Contains(MarkdownPages.Slug("Packaging a model: `serving package`"), anchors);
        Assert.Equal("packaging-a-model-serving-package", MarkdownPages.Slug("Packaging a model: `serving package`"));
        Assert.DoesNotContain("packaging-a-model", anchors);
    }

    [Fact]
    public void The_readme_stays_short() =>
        Assert.True(new FileInfo(RepositoryPaths.Of("README.md")).Length < 12 * 1024, "README.md should stay under 12 KB: move detail into docs/");

    private static void Flatten(JsonElement element, string prefix, List<string> keys)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            keys.Add(prefix);
            return;
        }

        foreach (var property in element.EnumerateObject())
        {
            Flatten(property.Value, prefix.Length == 0 ? property.Name : $"{prefix}:{property.Name}", keys);
        }
    }

    private static string SectionNameOf(string typeName) =>
        new[] { typeof(PackageBuilder).Assembly, typeof(gateway::Program).Assembly }
            .SelectMany(a => a.GetTypes())
            .Where(t => t.Name == typeName)
            .Select(t => t.GetField("SectionName", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() as string)
            .Single(v => v is not null)!;

    [GeneratedRegex("""GetSection\(\s*"([^"]+)"\s*\)""")]
    private static partial Regex GetSectionLiteral();

    [GeneratedRegex("""GetSection\(\s*(\w+)\.SectionName\s*\)""")]
    private static partial Regex GetSectionConstant();

    [GeneratedRegex("""GetValue(?:<[^>]+>)?\(\s*"((?:Serving|Kestrel)[^"]*)"\s*[,)]""")]
    private static partial Regex GetValueLiteral();

    // Configuration indexers: config["Serving:..."] or section["Source"]; configuration keys are PascalCase,
    // while the code's other string indexers (route values, metric labels, headers) are not.
    [GeneratedRegex("""[\w)\]]\s*\[\s*"([A-Z][A-Za-z]*(?::[A-Za-z]+)*)"\s*\]""")]
    private static partial Regex IndexerLiteral();
}
