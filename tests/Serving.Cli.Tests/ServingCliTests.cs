using Serving.Cli.Tests.Commands;
using Serving.Cli.Tests.Tool;

namespace Serving.Cli.Tests;

/// <summary>Where the root command's own answers go: results to standard output, usage errors to standard error.</summary>
public sealed class ServingCliTests
{
    [Fact]
    public async Task Version_goes_to_standard_output_for_scripts()
    {
        var run = await CliRun.Of("--version");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(InstalledTool.BuiltVersion, run.Result.Trim());
    }

    [Fact]
    public async Task A_usage_error_and_its_help_go_to_standard_error_only()
    {
        var run = await CliRun.Of("models", "list", "--no-such-option");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--no-such-option", run.Messages, StringComparison.Ordinal);
        Assert.Equal(string.Empty, run.Result);
    }
}
