namespace Serving.Cli.Admin;

/// <summary>The admin API refused or could not be reached; the message is the server's (or says what failed).</summary>
public sealed class AdminApiException : Exception
{
    public AdminApiException(int status, string message)
        : base(message) => Status = status;

    public AdminApiException()
        : this(0, "admin API request failed")
    {
    }

    public AdminApiException(string message)
        : this(0, message)
    {
    }

    public AdminApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The HTTP status, or 0 when no answer came.</summary>
    public int Status { get; }
}
