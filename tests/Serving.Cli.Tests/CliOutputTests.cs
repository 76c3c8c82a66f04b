using System.Text.RegularExpressions;
using Spectre.Console;

namespace Serving.Cli.Tests;

/// <summary>How wide messages are when they go to a pipe or a file rather than a terminal.</summary>
public sealed class CliOutputTests
{
    private static readonly string LongReason = string.Concat(Enumerable.Repeat("a long reason ", 12)).Trim();

    private static string[] RenderedLines(bool redirected)
    {
        using var messages = new StringWriter();
        var output = CliOutput.Over(TextWriter.Null, messages, redirected);
        output.Console.Write(new Table().AddColumns("version", "reason").AddRow("1", Markup.Escape(LongReason)));
        output.Error(LongReason);
        // A writer that is no console may get colours (the terminal type decides); the text is what counts here.
        return Regex.Replace(messages.ToString(), @"\x1b\[[0-9;?]*[A-Za-z]", string.Empty).Split('\n');
    }

    [Fact]
    public void Redirected_messages_keep_each_table_row_and_line_whole()
    {
        var lines = RenderedLines(redirected: true);

        Assert.Single(lines, line => line.Contains($"│ 1       │ {LongReason} │", StringComparison.Ordinal));
        Assert.Contains($"error: {LongReason}", lines);
    }

    [Fact]
    public void The_same_table_on_an_80_column_console_would_wrap()
    {
        // What a pipe got before: the contrast shows the test above can fail.
        var lines = RenderedLines(redirected: false);

        Assert.DoesNotContain(lines, line => line.Contains(LongReason, StringComparison.Ordinal));
    }
}
