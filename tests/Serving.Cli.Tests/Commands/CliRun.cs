using Spectre.Console;

namespace Serving.Cli.Tests.Commands;

/// <summary>Runs the <c>serving</c> command in-process and keeps what it printed.</summary>
internal sealed record CliRun(int ExitCode, string Result, string Messages)
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
        var exitCode = await ServingCli.RunAsync(args, new CliOutput(result, console), RuntimeFactories.Builder, TestContext.Current.CancellationToken);
        return new CliRun(exitCode, result.ToString(), messages.ToString());
    }
}
