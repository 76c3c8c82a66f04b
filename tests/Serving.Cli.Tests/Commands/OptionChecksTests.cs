namespace Serving.Cli.Tests.Commands;

/// <summary>
/// An option with a range check that is given a token of the wrong type is a usage error (exit code 2) with the parser's
/// own message, not an exception out of the check; and a value of the right type out of range is one too.
/// </summary>
public sealed class OptionChecksTests
{
    public static TheoryData<string[], string> UsageErrors => new()
    {
        { ["score", "--model", "m", "--input", "in.csv", "--output", "out.csv", "--batch-size", "abc"], "Cannot parse argument 'abc' for option '--batch-size'" },
        { ["score", "--model", "m", "--input", "in.csv", "--output", "out.csv", "--batch-size", "2147483648"], "Cannot parse argument '2147483648' for option '--batch-size'" },
        { ["score", "--model", "m", "--input", "in.csv", "--output", "out.csv", "--batch-size", "0"], "--batch-size must be from 1 to 1000000" },
        { ["logs", "tail", "iris", "-n", "abc"], "Cannot parse argument 'abc' for option '-n'" },
        { ["logs", "tail", "iris", "-n", "-1"], "-n must be 0 or more" },
    };

    [Theory]
    [MemberData(nameof(UsageErrors))]
    public async Task A_bad_value_is_a_usage_error(string[] args, string message)
    {
        var run = await CliRun.Of(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Messages, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Messages, StringComparison.Ordinal);
    }
}
