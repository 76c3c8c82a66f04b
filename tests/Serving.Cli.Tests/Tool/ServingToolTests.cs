using Serving.Cli.Tests.Admin;

namespace Serving.Cli.Tests.Tool;

/// <summary>The packed <c>serving</c> tool, installed into a temporary tool path and run as a program.</summary>
public sealed class ServingToolTests(InstalledTool tool) : IClassFixture<InstalledTool>
{
    [Fact]
    public async Task The_installed_tool_prints_its_version()
    {
        var run = await tool.RunAsync("--version");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(InstalledTool.BuiltVersion, run.Output.Trim());
    }

    [Fact]
    public async Task The_installed_tool_lists_a_gateways_models_in_unwrapped_rows_and_as_tsv()
    {
        await using var host = await CliGatewayHost.StartAsync(versions: 2);

        var table = await tool.RunAsync("models", "list", "--url", host.Url, "--api-key", CliGatewayHost.ReadKey);
        var tsv = await tool.RunAsync("models", "list", "--url", host.Url, "--api-key", CliGatewayHost.ReadKey, "--output", "tsv");

        Assert.True(table.ExitCode == 0, table.ToString());
        // Standard error is a pipe here: the row is one line however wide, not wrapped at 80 columns.
        var row = Assert.Single(table.Error.Split('\n'), line => line.Contains("iris", StringComparison.Ordinal));
        Assert.Contains("stable 2, canary none, shadow none", row, StringComparison.Ordinal);
        Assert.Contains("1:ready, 2:ready", row, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[", table.Error, StringComparison.Ordinal);

        Assert.True(tsv.ExitCode == 0, tsv.ToString());
        Assert.Equal(
            ["model\tpolicy\tstable\tcanary\tcanary_weight\tshadow\trollout\trollout_weight\tversions", "iris\tauto-stable\t2\t-\t0\t-\t-\t-\t1:ready,2:ready"],
            tsv.Output.TrimEnd().Split('\n'));
    }
}
