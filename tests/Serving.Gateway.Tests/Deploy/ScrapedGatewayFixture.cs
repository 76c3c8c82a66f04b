using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Serving.Core.Monitoring.Drift;
using Serving.Core.Rollouts;
using Serving.Gateway.Tests.Hosting;

namespace Serving.Gateway.Tests.Deploy;

/// <summary>
/// The real gateway serving the breast-cancer model with a canary rollout under way, scraped every second by a
/// real Prometheus that runs the repository's scrape config and rules. Traffic with drift on six features, client
/// errors and feedback labels flows before the tests ask anything. Without the prometheus binary it starts nothing
/// (the tests then skip or, under CI, fail through <see cref="RequiredTool"/>).
/// </summary>
public sealed class ScrapedGatewayFixture : IAsyncLifetime
{
    public const string Model = "breast-cancer";

    // Mean and worst radius, perimeter and area: shifted ×1.5, so these features' windows drift.
    private static readonly int[] ShiftedFeatures = [0, 2, 3, 20, 22, 23];

    private SampleRegistry? _registry;
    private GatewayHost? _host;
    private HttpClient? _rest;
    private PrometheusServer? _prometheus;

    /// <summary>Prometheus, scraping the gateway; null when the binary is missing.</summary>
    internal PrometheusServer? Prometheus => _prometheus;

    /// <summary>How long the setup took (gateway, Prometheus, traffic, first scrapes after it).</summary>
    public TimeSpan SetupTime { get; private set; }

    public async ValueTask InitializeAsync()
    {
        if (RequiredTool.Locate("prometheus") is not { } executable)
        {
            return;
        }

        var started = DateTime.UtcNow;
        var cancellation = TestContext.Current.CancellationToken;
        _registry = new SampleRegistry(Model);
        _host = await new GatewayHost(_registry.Path, new Dictionary<string, string?>
        {
            // Small windows close within the test's traffic, so drift and performance series exist.
            ["Serving:Monitoring:WindowRows"] = "50",
        }).StartAsync();
        _rest = _host.CreateRestClient();

        // Stable is version 2; version 1 becomes a canary at 50% and stays there (the next check is 10 minutes off).
        var rollouts = _host.Services.GetRequiredService<IRolloutController>();
        rollouts.Start(Model, new RolloutRequest { Canary = 1, Steps = [50], IntervalSeconds = 600 }, "deploy-check");

        _prometheus = await PrometheusServer.StartAsync(executable, ConfigFiles(_host.RestPort), TimeSpan.FromSeconds(20), cancellation);

        var labels = TrainingLabels();
        var row = 0;
        for (var round = 0; round < 3; round++)
        {
            var feedback = new List<string>();
            for (var request = 0; request < 20; request++)
            {
                var rows = Enumerable.Range(row, 10).Select(r => r % labels.Length).ToArray();
                row += 10;
                var version = (request % 3) switch { 0 => "/versions/1", 1 => "/versions/2", _ => string.Empty };
                using var response = await PostAsync($"/v2/models/{Model}{version}/infer", Body(rows), cancellation);
                EnsureStatus(response, HttpStatusCode.OK);
                var id = response.Headers.GetValues("X-Prediction-Id").Single();
                feedback.Add($$"""{"id":"{{id}}","label":[{{string.Join(',', rows.Select(r => labels[r]))}}]}""");
            }

            // Caller errors: an empty request, and a version that does not exist.
            using (var bad = await PostAsync($"/v2/models/{Model}/infer", """{"inputs":[]}""", cancellation))
            {
                EnsureStatus(bad, HttpStatusCode.BadRequest);
            }

            using (var missing = await PostAsync($"/v2/models/{Model}/versions/9/infer", Body([0]), cancellation))
            {
                EnsureStatus(missing, HttpStatusCode.NotFound);
            }

            using (var posted = await PostAsync("/monitoring/feedback", "[" + string.Join(',', feedback) + "]", cancellation))
            {
                EnsureStatus(posted, HttpStatusCode.OK);
            }

            // Spread over a few scrapes, so rates have more than one step to work with.
            await Task.Delay(TimeSpan.FromSeconds(1.2), cancellation);
        }

        await _host.Services.GetRequiredService<DriftMonitor>().FlushAsync(TimeSpan.FromSeconds(10));
        await WaitForScrapesAfterAsync(DateTimeOffset.UtcNow, cancellation);
        SetupTime = DateTime.UtcNow - started;
    }

    /// <summary>
    /// Evaluates each query until it returns data, for up to <paramref name="patience"/> in all (rules evaluate
    /// every second, so a recording rule's first result can lag a scrape). Returns each query that never did,
    /// with Prometheus' error where it refused one.
    /// </summary>
    internal async Task<IReadOnlyList<string>> WithoutDataAsync(IReadOnlyList<PromQuery> queries, TimeSpan patience)
    {
        var prometheus = _prometheus ?? throw new InvalidOperationException("prometheus is not running");
        var cancellation = TestContext.Current.CancellationToken;
        var deadline = DateTime.UtcNow + patience;
        var pending = queries.ToList();
        var problems = new Dictionary<PromQuery, string>();
        while (true)
        {
            foreach (var query in pending.ToList())
            {
                try
                {
                    var data = await prometheus.QueryAsync(query.Expression, cancellation);
                    var result = data.GetProperty("result");
                    if (data.GetProperty("resultType").GetString() is "scalar" or "string" || result.GetArrayLength() > 0)
                    {
                        pending.Remove(query);
                        problems.Remove(query);
                    }
                    else
                    {
                        problems[query] = "no data";
                    }
                }
                catch (PrometheusQueryException e)
                {
                    problems[query] = "error: " + e.Message;
                }
            }

            if (pending.Count == 0 || DateTime.UtcNow > deadline)
            {
                return pending.Select(q => $"{q.Source}: {problems[q]}\n    {q.Expression}").ToList();
            }

            await Task.Delay(500, cancellation);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_prometheus is not null)
        {
            await _prometheus.DisposeAsync();
        }

        _rest?.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        _registry?.Dispose();
    }

    /// <summary>
    /// The repository's prometheus.yml and rules, with the scrape target pointed at this gateway and both
    /// intervals at one second; a change to the config that these replacements no longer match fails here.
    /// </summary>
    private static Dictionary<string, string> ConfigFiles(int gatewayPort)
    {
        var config = File.ReadAllText(DeployPaths.PrometheusConfig);
        foreach (var (from, to) in new[]
                 {
                     ("scrape_interval: 15s", "scrape_interval: 1s"),
                     ("evaluation_interval: 15s", "evaluation_interval: 1s"),
                     ("\"localhost:8080\"", $"\"127.0.0.1:{gatewayPort}\""),
                 })
        {
            if (!config.Contains(from, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"deploy/prometheus/prometheus.yml no longer has {from}; update the check");
            }

            config = config.Replace(from, to, StringComparison.Ordinal);
        }

        var files = new Dictionary<string, string> { ["prometheus.yml"] = config };
        foreach (var rules in Directory.GetFiles(DeployPaths.RulesDirectory, "*.yml"))
        {
            files[Path.Combine("rules", Path.GetFileName(rules))] = File.ReadAllText(rules);
        }

        return files;
    }

    private async Task WaitForScrapesAfterAsync(DateTimeOffset moment, CancellationToken cancellation)
    {
        // Two scrapes after the last request: its counts and the last windows' series are in the TSDB.
        var wanted = moment.ToUnixTimeMilliseconds() / 1000.0 + 2;
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var result = (await _prometheus!.QueryAsync("max(timestamp(up{job=\"serving-gateway\"} == 1))", cancellation)).GetProperty("result");
            if (result.GetArrayLength() == 1
                && double.Parse(result[0].GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture) >= wanted)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"prometheus did not scrape the gateway within 15 s:\n{_prometheus.RecentLog}");
            }

            await Task.Delay(250, cancellation);
        }
    }

    private async Task<HttpResponseMessage> PostAsync(string path, string json, CancellationToken cancellation) =>
        await _rest!.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"), cancellation);

    private static void EnsureStatus(HttpResponseMessage response, HttpStatusCode expected)
    {
        if (response.StatusCode != expected)
        {
            throw new InvalidOperationException($"{response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}, not {(int)expected}");
        }
    }

    private static string Body(int[] rows)
    {
        var data = rows.SelectMany(r => BreastCancerRows.Row(r).Select((v, f) => ShiftedFeatures.Contains(f) ? v * 1.5f : v));
        return $$"""{"inputs":[{"name":"input","shape":[{{rows.Length}},30],"datatype":"FP32","data":[{{string.Join(',', data.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))}}]}]}""";
    }

    /// <summary>The class column of the training data (the last one), row by row.</summary>
    private static string[] TrainingLabels() =>
        File.ReadAllLines(RepositoryPaths.Of("data", "breast-cancer.csv")).Skip(1)
            .Select(line => line[(line.LastIndexOf(',') + 1)..].Trim())
            .ToArray();
}
