using Serving.Cli.Tests.Commands;
using Spectre.Console;

namespace Serving.Cli.Tests.Admin;

/// <summary>Runs <c>serving</c> in-process on a wide console, so tables and messages are not wrapped.</summary>
internal static class WideCliRun
{
    public static async Task<CliRun> Of(params string[] args)
    {
        var result = new StringWriter();
        var messages = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(messages),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 240;
        var exitCode = await ServingCli.RunAsync(args, new CliOutput(result, console), RuntimeFactories.Builder, TestContext.Current.CancellationToken);
        return new CliRun(exitCode, result.ToString(), messages.ToString());
    }
}
