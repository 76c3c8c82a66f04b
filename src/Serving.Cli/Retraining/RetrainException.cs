namespace Serving.Cli.Retraining;

/// <summary>A run cannot go on; the message is the reason shown on the status endpoint and sent in <c>version.failed</c>.</summary>
public sealed class RetrainException : Exception
{
    public RetrainException()
    {
    }

    public RetrainException(string message)
        : base(message)
    {
    }

    public RetrainException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
