using System.CommandLine;

namespace Serving.Cli.Commands.Logs;

/// <summary><c>serving logs</c>: reads the prediction logs the gateway writes.</summary>
internal static class LogsCommand
{
    public static Command Create(CliOutput output) =>
        new("logs", "Read prediction logs (local JSON Lines files or Redis Streams).")
        {
            LogsTailCommand.Create(output),
        };
}
