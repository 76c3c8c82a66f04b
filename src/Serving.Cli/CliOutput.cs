using Spectre.Console;

namespace Serving.Cli;

/// <summary>
/// Where the CLI writes: <see cref="Result"/> gets the machine-readable answer (a version number) that scripts
/// capture, <see cref="Console"/> gets messages for people, so <c>v=$(serving package ...)</c> works.
/// </summary>
public sealed record CliOutput(TextWriter Result, IAnsiConsole Console)
{
    /// <summary>Results to standard output, messages to standard error.</summary>
    public static CliOutput Standard() => new(
        System.Console.Out,
        AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(System.Console.Error) }));
}
