using System.Text.Json;
using System.Text.RegularExpressions;

namespace Serving.Gateway.Tests.Deploy;

/// <summary>The Grafana files: dashboards Grafana can provision, all on the provisioned datasource.</summary>
public sealed partial class DashboardFilesTests
{
    public static TheoryData<string> Dashboards => new(DeployPaths.Dashboards.Select(Path.GetFileName)!);

    private static JsonElement Load(string file) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Path.GetDirectoryName(DeployPaths.Dashboards[0])!, file))).RootElement.Clone();

    private static string ProvisionedDatasourceUid() =>
        DatasourceUid().Match(File.ReadAllText(DeployPaths.DatasourceProvisioning)) is { Success: true } match
            ? match.Groups[1].Value
            : throw new InvalidOperationException("the datasource provisioning file names no uid");

    [Fact]
    public void Both_dashboards_exist_with_distinct_uids()
    {
        var uids = DeployPaths.Dashboards.Select(d => Load(Path.GetFileName(d)).GetProperty("uid").GetString()).ToList();

        Assert.Equal(["model-health.json", "serving.json"], DeployPaths.Dashboards.Select(Path.GetFileName));
        Assert.Equal(uids.Count, uids.Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void A_dashboard_has_a_title_a_schema_version_and_a_model_variable(string file)
    {
        var dashboard = Load(file);

        Assert.False(string.IsNullOrWhiteSpace(dashboard.GetProperty("title").GetString()));
        Assert.True(dashboard.GetProperty("schemaVersion").GetInt32() >= 36);
        Assert.Contains(dashboard.GetProperty("templating").GetProperty("list").EnumerateArray(), v => v.GetProperty("name").GetString() == "model");
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void Every_panel_and_variable_uses_the_provisioned_datasource(string file)
    {
        var uid = ProvisionedDatasourceUid();
        var dashboard = Load(file);
        var users = DashboardQueries.Panels(dashboard).Where(p => p.GetProperty("type").GetString() != "row")
            .Concat(dashboard.GetProperty("templating").GetProperty("list").EnumerateArray());

        var elsewhere = users.Where(u => u.GetProperty("datasource").GetProperty("uid").GetString() != uid)
            .Select(u => u.TryGetProperty("title", out var t) ? t.GetString() : u.GetProperty("name").GetString())
            .ToList();

        Assert.True(elsewhere.Count == 0, $"{file}: not on datasource {uid}: {string.Join(", ", elsewhere)}");
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void Every_panel_has_a_unique_id_a_place_and_queries_with_unique_ref_ids(string file)
    {
        var panels = DashboardQueries.Panels(Load(file)).ToList();

        Assert.Equal(panels.Count, panels.Select(p => p.GetProperty("id").GetInt32()).Distinct().Count());
        Assert.All(panels, p => Assert.True(p.GetProperty("gridPos").GetProperty("w").GetInt32() is > 0 and <= 24));
        Assert.All(panels.Where(p => p.GetProperty("type").GetString() != "row"), p =>
        {
            var targets = p.GetProperty("targets").EnumerateArray().ToList();
            Assert.NotEmpty(targets);
            Assert.All(targets, t => Assert.False(string.IsNullOrWhiteSpace(t.GetProperty("expr").GetString())));
            Assert.Equal(targets.Count, targets.Select(t => t.GetProperty("refId").GetString()).Distinct().Count());
        });
    }

    [Fact]
    public void The_dashboard_provider_loads_json_files_from_a_folder()
    {
        var provider = File.ReadAllText(DeployPaths.DashboardProvisioning);

        Assert.Matches(@"(?m)^\s*type:\s*file\s*$", provider);
        Assert.Matches(@"(?m)^\s*path:\s*/\S+", provider);
    }

    [GeneratedRegex(@"(?m)^\s*uid:\s*(\S+)\s*$")]
    private static partial Regex DatasourceUid();
}
