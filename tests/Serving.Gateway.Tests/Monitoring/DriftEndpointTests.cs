using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Serving.Gateway.Tests.Hosting;

namespace Serving.Gateway.Tests.Monitoring;

/// <summary>Drift through the real gateway: traffic in over REST, the report and the metrics out.</summary>
public sealed class DriftEndpointTests
{
    // mean radius, mean concave points, worst texture.
    private static readonly int[] Shifted = [0, 7, 21];

    private static IEnumerable<int> OddRows => Enumerable.Range(0, BreastCancerRows.Count).Where(i => i % 2 == 1).Take(DriftGateway.WindowRows);

    private static string[] DriftedFeatures(JsonElement version) =>
        [.. version.GetProperty("features").EnumerateArray().Where(f => f.GetProperty("drifted").GetBoolean()).Select(f => f.GetProperty("name").GetString()!)];

    [Fact]
    public async Task Unshifted_rows_drift_on_no_feature()
    {
        await using var gateway = await DriftGateway.StartAsync();

        await gateway.SendAsync(OddRows, []);

        var version = await gateway.VersionTwoAsync();
        Assert.Equal(DriftGateway.WindowRows, version.GetProperty("window").GetProperty("rows").GetInt32());
        Assert.Empty(DriftedFeatures(version));
        Assert.False(version.GetProperty("datasetDrift").GetBoolean());
        Assert.False(version.GetProperty("prediction").GetProperty("drifted").GetBoolean());
    }

    [Fact]
    public async Task Features_shifted_on_purpose_are_flagged_and_only_those()
    {
        await using var gateway = await DriftGateway.StartAsync();

        await gateway.SendAsync(OddRows, Shifted);

        var version = await gateway.VersionTwoAsync();
        Assert.Equal(Shifted.Select(i => BreastCancerRows.FeatureNames[i]), DriftedFeatures(version));
        Assert.Equal(0.1, version.GetProperty("driftedShare").GetDouble(), 1e-12);
        Assert.False(version.GetProperty("datasetDrift").GetBoolean());
    }

    [Fact]
    public async Task The_report_has_the_contract_shape_with_versions_ascending_and_the_window_in_progress()
    {
        await using var gateway = await DriftGateway.StartAsync();
        await gateway.SendAsync(OddRows.Concat(OddRows.Take(40)), Shifted);

        var root = JsonDocument.Parse(await gateway.Rest.GetStringAsync("/monitoring/models/breast-cancer/drift", TestContext.Current.CancellationToken)).RootElement;

        Assert.Equal("breast-cancer", root.GetProperty("model").GetString());
        Assert.Equal(["1", "2"], root.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("version").GetString()));
        var two = root.GetProperty("versions")[1];
        var window = two.GetProperty("window");
        Assert.True(DateTimeOffset.Parse(window.GetProperty("start").GetString()!, System.Globalization.CultureInfo.InvariantCulture)
            <= DateTimeOffset.Parse(window.GetProperty("end").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(40, two.GetProperty("current").GetProperty("rows").GetInt32());
        var feature = two.GetProperty("features")[0];
        Assert.Equal("mean radius", feature.GetProperty("name").GetString());
        Assert.Equal("ks", feature.GetProperty("method").GetString());
        Assert.InRange(feature.GetProperty("statistic").GetDouble(), 0, 1);
        Assert.InRange(feature.GetProperty("pValue").GetDouble(), 0, 0.05);
        Assert.Equal(0.05, feature.GetProperty("threshold").GetDouble());
        Assert.True(feature.GetProperty("drifted").GetBoolean());
        Assert.True(feature.GetProperty("psi").GetDouble() >= 0);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("versions")[0].GetProperty("window").ValueKind);
    }

    [Fact]
    public async Task An_unknown_model_is_404_with_an_error()
    {
        await using var gateway = await DriftGateway.StartAsync();

        using var response = await gateway.Rest.GetAsync("/monitoring/models/no-such-model/drift", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Contains("no-such-model", body.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drift_series_appear_on_metrics_per_feature_and_pass_promtool()
    {
        await using var gateway = await DriftGateway.StartAsync();
        await gateway.SendAsync(OddRows, Shifted);

        var text = await gateway.Rest.GetStringAsync("/metrics", TestContext.Current.CancellationToken);

        Assert.Contains("""serving_drift_feature_drifted{model="breast-cancer",version="2",feature="mean radius",method="ks"} 1""", text, StringComparison.Ordinal);
        Assert.Contains("""serving_drift_feature_drifted{model="breast-cancer",version="2",feature="mean texture",method="ks"} 0""", text, StringComparison.Ordinal);
        Assert.Contains("""serving_drift_feature_p_value{model="breast-cancer",version="2",feature="mean radius",method="ks"}""", text, StringComparison.Ordinal);
        Assert.Contains("""serving_drift_dataset_drifted{model="breast-cancer",version="2"} 0""", text, StringComparison.Ordinal);
        Assert.Contains("""serving_drift_prediction_drifted{model="breast-cancer",version="2",method="ztest"}""", text, StringComparison.Ordinal);
        Assert.Contains("""serving_drift_windows_total{model="breast-cancer",version="2"} 1""", text, StringComparison.Ordinal);
        await AssertPromtoolCleanAsync(text);
    }

    [Fact]
    public async Task A_version_that_unloads_takes_its_drift_series_with_it()
    {
        await using var gateway = await DriftGateway.StartAsync();
        await gateway.SendAsync(OddRows, Shifted);
        var registry = (Serving.Core.Registry.ModelRegistry)gateway.Host.Services.GetService(typeof(Serving.Core.Registry.ModelRegistry))!;

        Assert.True(registry.Unload("breast-cancer", 2, "test"));

        var text = await gateway.Rest.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
        Assert.DoesNotContain("serving_drift_feature_statistic{model=\"breast-cancer\",version=\"2\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("serving_drift_dataset_drifted{model=\"breast-cancer\",version=\"2\"}", text, StringComparison.Ordinal);
    }

    private static async Task AssertPromtoolCleanAsync(string exposition)
    {
        var promtool = RequiredTool.Find("promtool", "apt-get install prometheus");
        var start = new ProcessStartInfo(promtool, ["check", "metrics"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(exposition);
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken)
            + await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(process.ExitCode == 0 && string.IsNullOrWhiteSpace(output), $"promtool check metrics said (exit {process.ExitCode}):\n{output}");
    }
}
