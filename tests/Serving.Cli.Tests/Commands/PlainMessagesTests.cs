namespace Serving.Cli.Tests.Commands;

/// <summary>Every failure a person sees is one plain <c>error: ...</c> line: no Spectre markup tags, whatever the command.</summary>
public sealed class PlainMessagesTests
{
    public static TheoryData<string[]> FailingCommands => new()
    {
        { ["logs", "tail", "nosuch", "--dir", Path.Combine(Path.GetTempPath(), "serving-no-such-log-dir")] },
        { ["logs", "tail", "nosuch", "--redis", "127.0.0.1:1,connectTimeout=200,abortConnect=true"] },
        { ["package", Path.Combine(Path.GetTempPath(), "serving-no-such-model.onnx"), "--name", "m", "--registry", Path.GetTempPath(), "--task", "binary"] },
        { ["models", "list", "--url", "http://127.0.0.1:1"] },
        { ["models", "list", "--url", "ftp://[not-a-gateway]"] },
        { ["drift", "iris", "--url", "http://127.0.0.1:1"] },
        { ["performance", "iris", "--url", "http://127.0.0.1:1"] },
        { ["performance", "iris", "--url", "ftp://[not-a-gateway]"] },
        { ["retrainer", "status", "--url", "http://127.0.0.1:1"] },
        { ["retrainer", "status", "--url", "ftp://[not-a-retrainer]"] },
    };

    [Theory]
    [MemberData(nameof(FailingCommands))]
    public async Task A_failure_is_one_plain_error_line(string[] args)
    {
        var run = await CliRun.Of(args);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: ", run.Messages, StringComparison.Ordinal);
        Assert.DoesNotContain("[/]", run.Messages, StringComparison.Ordinal);
        Assert.DoesNotContain("[red]", run.Messages, StringComparison.Ordinal);
        Assert.Empty(run.Result);
    }
}
