using System.Text.Json;

namespace Serving.Gateway.Tests.Deploy;

/// <summary>
/// The deploy/ files against a real Prometheus scraping the real gateway: every dashboard query and every rule
/// returns data, so no panel or alert watches a series the gateway does not serve.
/// </summary>
public sealed class DashboardQueriesTests(ScrapedGatewayFixture gateway) : IClassFixture<ScrapedGatewayFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static readonly Dictionary<string, string> Variables = new(StringComparer.Ordinal) { ["model"] = ScrapedGatewayFixture.Model };

    private PrometheusServer Prometheus()
    {
        RequiredTool.Find("prometheus", "apt-get install prometheus");
        return gateway.Prometheus!;
    }

    private async Task<List<JsonElement>> RulesAsync()
    {
        var data = await Prometheus().ApiAsync("/api/v1/rules", TestContext.Current.CancellationToken);
        return data.GetProperty("groups").EnumerateArray().SelectMany(g => g.GetProperty("rules").EnumerateArray()).ToList();
    }

    [Fact]
    public async Task Every_dashboard_query_returns_data_from_the_scraped_gateway()
    {
        Prometheus();
        var queries = DeployPaths.Dashboards.SelectMany(d => DashboardQueries.Read(d, Variables)).ToList();

        var missing = await gateway.WithoutDataAsync(queries, Patience);

        Assert.True(queries.Count >= 30, $"only {queries.Count} dashboard queries found");
        Assert.True(missing.Count == 0, $"{missing.Count} of {queries.Count} dashboard queries returned nothing (setup {gateway.SetupTime.TotalSeconds:F1} s):\n{string.Join('\n', missing)}");
    }

    [Fact]
    public async Task Every_recording_rule_and_its_result_returns_data_from_the_scraped_gateway()
    {
        var rules = (await RulesAsync()).Where(r => r.GetProperty("type").GetString() == "recording").ToList();
        var queries = rules.SelectMany(r => new[]
        {
            new PromQuery($"recording rule {r.GetProperty("name").GetString()} (expression)", r.GetProperty("query").GetString()!),
            new PromQuery($"recording rule {r.GetProperty("name").GetString()} (recorded series)", r.GetProperty("name").GetString()!),
        }).ToList();

        var missing = await gateway.WithoutDataAsync(queries, Patience);

        Assert.NotEmpty(rules);
        Assert.True(missing.Count == 0, $"{missing.Count} of {queries.Count} recording rule queries returned nothing:\n{string.Join('\n', missing)}");
    }

    [Fact]
    public async Task Every_alert_signal_returns_data_from_the_scraped_gateway()
    {
        var alerts = (await RulesAsync()).Where(r => r.GetProperty("type").GetString() == "alerting").ToList();
        var queries = alerts
            .Select(a => new PromQuery($"alert {a.GetProperty("name").GetString()}", PromQlSignal.ComparisonsAsBool(a.GetProperty("query").GetString()!)))
            .ToList();

        var missing = await gateway.WithoutDataAsync(queries, Patience);

        Assert.True(alerts.Count >= 7, $"only {alerts.Count} alerts loaded");
        Assert.True(missing.Count == 0, $"{missing.Count} of {queries.Count} alert signals returned nothing:\n{string.Join('\n', missing)}");
    }

    [Fact]
    public async Task Prometheus_evaluates_every_rule_without_error()
    {
        Prometheus();
        await gateway.WithoutDataAsync([new PromQuery("recorded", "serving:requests:rate5m")], Patience);

        var broken = (await RulesAsync())
            .Where(r => r.GetProperty("health").GetString() != "ok")
            .Select(r => $"{r.GetProperty("name").GetString()}: {r.GetProperty("health").GetString()} {(r.TryGetProperty("lastError", out var e) ? e.GetString() : null)}")
            .ToList();

        Assert.True(broken.Count == 0, "rules Prometheus could not evaluate:\n" + string.Join('\n', broken));
    }

    [Fact]
    public async Task Every_alert_has_a_severity_a_summary_a_description_and_a_runbook()
    {
        var alerts = (await RulesAsync()).Where(r => r.GetProperty("type").GetString() == "alerting").ToList();

        var lacking = alerts
            .Where(a => !(a.GetProperty("labels").TryGetProperty("severity", out var severity) && severity.GetString() is "critical" or "warning" or "info")
                        || new[] { "summary", "description", "runbook" }.Any(n => !a.GetProperty("annotations").TryGetProperty(n, out var v) || string.IsNullOrWhiteSpace(v.GetString())))
            .Select(a => a.GetProperty("name").GetString())
            .ToList();

        Assert.NotEmpty(alerts);
        Assert.True(lacking.Count == 0, "alerts without severity (critical, warning, info), summary, description or runbook: " + string.Join(", ", lacking));
    }
}
