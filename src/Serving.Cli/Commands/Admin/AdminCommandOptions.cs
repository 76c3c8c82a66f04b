using System.CommandLine;
using Serving.Cli.Admin;

namespace Serving.Cli.Commands.Admin;

/// <summary>
/// The options every admin command takes (<c>--url</c>, <c>--api-key</c>, <c>--output</c>/<c>--json</c>) and one
/// way to run the command against the API: server refusals print the server's message and exit 1.
/// </summary>
internal sealed class AdminCommandOptions
{
    public Option<string?> Url { get; } = GatewayUrlOption.Create();

    public Option<string?> ApiKey { get; } = new("--api-key") { Description = $"Admin key (default: ${AdminConnection.ApiKeyVariable})." };

    public OutputOptions Output { get; } = new();

    /// <summary>Adds the shared options to <paramref name="command"/> and returns it.</summary>
    public Command AddTo(Command command)
    {
        command.Options.Add(Url);
        command.Options.Add(ApiKey);
        Output.AddTo(command);
        return command;
    }

    /// <summary>The one line for an answer that could not be shown, with the reason cut short.</summary>
    public static string AnswerUnreadable(Exception exception) =>
        $"the gateway's answer could not be read: {GatewayBody.Line(exception?.Message ?? string.Empty)}";

    /// <summary>The warning for a change the gateway made but could not save.</summary>
    public static string StateUnsavedWarning(string reason) =>
        $"the change is in effect but the gateway could not save it ({reason}); it is lost when the gateway restarts unless saved again once the data directory can be written";

    /// <summary>Runs <paramref name="action"/> with a client for the resolved gateway; errors become one red line and exit 1.</summary>
    public async Task<int> RunAsync(CliOutput output, ParseResult parse, Func<AdminApiClient, OutputFormat, Task<int>> action)
    {
        try
        {
            var connection = AdminConnection.Resolve(parse.GetValue(Url), parse.GetValue(ApiKey), Environment.GetEnvironmentVariable);
            using var client = new AdminApiClient(connection);
            try
            {
                var exit = await action(client, Output.Of(parse)).ConfigureAwait(false);
                if (client.StateUnsaved is { } unsaved)
                {
                    output.Warning(StateUnsavedWarning(unsaved));
                }

                return exit;
            }
            catch (Exception ex) when (ex is NullReferenceException or ArgumentException or InvalidOperationException or KeyNotFoundException or FormatException)
            {
                // A backstop around the command only (not the key or URL checks): the client checks each answer's
                // shape, but a renderer that still meets one it cannot show says so in one line, not a stack trace.
                output.Error(AnswerUnreadable(ex));
                return 1;
            }
        }
        catch (AdminApiException ex)
        {
            output.Error(ex.Message);
            return 1;
        }
    }
}
