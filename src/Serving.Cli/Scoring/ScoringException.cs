namespace Serving.Cli.Scoring;

/// <summary>A batch scoring failure the user can fix: its message is the one line they see, and the run exits 1.</summary>
internal sealed class ScoringException : Exception
{
    public ScoringException(string message)
        : base(message)
    {
    }

    public ScoringException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public ScoringException()
    {
    }
}
