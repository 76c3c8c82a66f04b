using Spectre.Console;

namespace Serving.Cli;

/// <summary>
/// Where the CLI writes: <see cref="Result"/> gets the machine-readable answer (a version number, TSV, JSON) that
/// scripts capture, <see cref="Console"/> gets messages and tables for people, so <c>v=$(serving package ...)</c> works.
/// </summary>
public sealed record CliOutput(TextWriter Result, IAnsiConsole Console)
{
    /// <summary>
    /// Width given to messages that do not go to a terminal: Spectre would otherwise assume 80 columns and wrap
    /// tables and lines that a script or a log reads one line at a time.
    /// </summary>
    public const int RedirectedWidth = 32_767;

    /// <summary>Results to standard output, messages to standard error (unwrapped when standard error is not a terminal).</summary>
    public static CliOutput Standard() => Over(System.Console.Out, System.Console.Error, System.Console.IsErrorRedirected);

    /// <summary>Results to <paramref name="result"/>, messages to <paramref name="messages"/>; a redirected one is not wrapped.</summary>
    public static CliOutput Over(TextWriter result, TextWriter messages, bool messagesRedirected)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(messages) });
        if (messagesRedirected)
        {
            console.Profile.Width = RedirectedWidth;
        }

        return new CliOutput(result, console);
    }

    /// <summary>One line <c>error: message</c>; the message is printed as it is (never read as markup).</summary>
    public void Error(string message) => Console.MarkupLineInterpolated($"[red]error:[/] {message}");

    /// <summary>One line <c>warning: message</c>: the command did what it was asked, with something to know about it.</summary>
    public void Warning(string message) => Console.MarkupLineInterpolated($"[yellow]warning:[/] {message}");

    /// <summary>One line <c>waiting: message</c>, for a command that keeps going until what it needs appears.</summary>
    public void Waiting(string message) => Console.MarkupLineInterpolated($"[yellow]waiting:[/] {message}");

    /// <summary>One plain line for people (a choice the command made on its own, say).</summary>
    public void Note(string message) => Console.WriteLine(message);
}
