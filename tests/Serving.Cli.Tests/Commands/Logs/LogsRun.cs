using System.Text.Json;
using Spectre.Console;

namespace Serving.Cli.Tests.Commands.Logs;

/// <summary>
/// Runs <c>serving logs ...</c> in-process until it ends or is cancelled (for <c>--follow</c>), keeping what it
/// printed where another thread may read it while it runs.
/// </summary>
internal sealed class LogsRun
{
    private readonly StringWriter _result = new();
    private readonly StringWriter _messages = new();

    private LogsRun(string[] args, CancellationToken cancellationToken)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(TextWriter.Synchronized(_messages)),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        ExitCode = Task.Run(() => ServingCli.RunAsync(args, new CliOutput(TextWriter.Synchronized(_result), console), RuntimeFactories.Builder, cancellationToken), CancellationToken.None);
    }

    public Task<int> ExitCode { get; }

    public string Messages
    {
        get
        {
            lock (_messages)
            {
                return _messages.ToString();
            }
        }
    }

    /// <summary>The ids of the records printed so far, in order.</summary>
    public List<string> Ids
    {
        get
        {
            string text;
            lock (_result)
            {
                text = _result.ToString();
            }

            return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.GetProperty("id").GetString()!)];
        }
    }

    public static LogsRun Start(CancellationToken cancellationToken, params string[] args) => new(args, cancellationToken);

    public static async Task<LogsRun> CompleteAsync(params string[] args)
    {
        var run = new LogsRun(args, TestContext.Current.CancellationToken);
        await run.ExitCode;
        return run;
    }

    /// <summary>Waits until at least <paramref name="count"/> records have been printed.</summary>
    public async Task WaitForAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Ids.Count < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"printed {Ids.Count} records, expected {count}; messages: {Messages}");
            Assert.False(ExitCode.IsCompleted, $"ended early with {(ExitCode.IsCompleted ? ExitCode.Result : 0)}: {Messages}");
            await Task.Delay(50);
        }
    }
}
