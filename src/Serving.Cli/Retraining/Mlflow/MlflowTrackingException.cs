namespace Serving.Cli.Retraining.Mlflow;

/// <summary>A tracking call that failed: MLflow's error code (or the transport's failure) and what it said.</summary>
public sealed class MlflowTrackingException : Exception
{
    public MlflowTrackingException()
    {
    }

    public MlflowTrackingException(string message)
        : base(message)
    {
    }

    public MlflowTrackingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public MlflowTrackingException(string message, string? errorCode, int? status)
        : base(message)
    {
        ErrorCode = errorCode;
        Status = status;
    }

    /// <summary>MLflow's <c>error_code</c> (for example <c>RESOURCE_DOES_NOT_EXIST</c>), when it answered with one.</summary>
    public string? ErrorCode { get; }

    /// <summary>The HTTP status, when there was an answer.</summary>
    public int? Status { get; }
}
