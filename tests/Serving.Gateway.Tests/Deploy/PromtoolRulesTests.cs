using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Serving.Gateway.Tests.Deploy;

/// <summary>The committed Prometheus config and rules, checked and unit-tested by the real promtool.</summary>
public sealed partial class PromtoolRulesTests
{
    private static async Task<(int ExitCode, string Output)> PromtoolAsync(params string[] arguments)
    {
        var promtool = RequiredTool.Find("promtool", "apt-get install prometheus");
        var start = new ProcessStartInfo(promtool, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepositoryPaths.Root,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await output + await error);
    }

    [Fact]
    public async Task Promtool_check_rules_finds_the_rules_clean()
    {
        var (exitCode, output) = await PromtoolAsync("check", "rules", DeployPaths.RulesFile);

        Assert.True(exitCode == 0 && output.Contains("SUCCESS", StringComparison.Ordinal), $"promtool check rules (exit {exitCode}):\n{output}");
    }

    [Fact]
    public async Task Promtool_check_config_accepts_the_scrape_config_and_its_rule_files()
    {
        var (exitCode, output) = await PromtoolAsync("check", "config", DeployPaths.PrometheusConfig);

        Assert.True(exitCode == 0, $"promtool check config (exit {exitCode}):\n{output}");
    }

    [Fact]
    public async Task Promtool_test_rules_passes_the_alert_unit_tests()
    {
        var (exitCode, output) = await PromtoolAsync("test", "rules", DeployPaths.RulesTestFile);

        Assert.True(exitCode == 0 && output.Contains("SUCCESS", StringComparison.Ordinal), $"promtool test rules (exit {exitCode}):\n{output}");
    }

    [Fact]
    public void Every_alert_is_shown_firing_in_the_unit_tests()
    {
        var alerts = AlertName().Matches(File.ReadAllText(DeployPaths.RulesFile)).Select(m => m.Groups[1].Value).ToList();
        var tests = File.ReadAllText(DeployPaths.RulesTestFile);

        // A firing case is an alertname followed by a non-empty exp_alerts list.
        var untested = alerts.Where(a => !Regex.IsMatch(tests, $@"alertname: {a}\s*\n\s*exp_alerts:\s*\n\s*- exp_labels:")).ToList();

        Assert.NotEmpty(alerts);
        Assert.True(untested.Count == 0, "alerts no unit test shows firing: " + string.Join(", ", untested));
    }

    [GeneratedRegex(@"^\s*- alert: (\w+)", RegexOptions.Multiline)]
    private static partial Regex AlertName();
}
