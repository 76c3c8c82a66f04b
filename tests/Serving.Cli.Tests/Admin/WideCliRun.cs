using Serving.Cli.Tests.Commands;
using Spectre.Console;

namespace Serving.Cli.Tests.Admin;

/// <summary>Runs <c>serving</c> in-process on a wide console, so tables and messages are not wrapped.</summary>
internal static class WideCliRun
{
    public static Task<CliRun> Of(params string[] args) => OfWidth(240, args);

    /// <summary>As <see cref="Of"/> on a console <paramref name="width"/> columns wide (a long error line stays one line).</summary>
    public static async Task<CliRun> OfWidth(int width, params string[] args)
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
        console.Profile.Width = width;
        var exitCode = await ServingCli.RunAsync(args, new CliOutput(result, console), RuntimeFactories.Builder, TestContext.Current.CancellationToken);
        return new CliRun(exitCode, result.ToString(), messages.ToString());
    }
}
