namespace Serving.Cli.Retraining;

/// <summary>The retrainer's settings cannot be used: one line per problem, printed at start with exit code 2.</summary>
public sealed class RetrainerConfigException : Exception
{
    public RetrainerConfigException()
        : this(["the retrainer's settings cannot be used"])
    {
    }

    public RetrainerConfigException(string message)
        : this([message])
    {
    }

    public RetrainerConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [message];
    }

    public RetrainerConfigException(IReadOnlyList<string> problems)
        : base(string.Join(Environment.NewLine, problems))
    {
        Problems = problems;
    }

    public IReadOnlyList<string> Problems { get; }
}
