using System.Net;

namespace Serving.Core.Registry.Mlflow;

/// <summary>A failed call to the MLflow tracking server, with MLflow's <c>error_code</c> when it sent one.</summary>
public sealed class MlflowRegistryException : Exception
{
    public MlflowRegistryException(MlflowErrorKind kind, string message, string? errorCode = null, HttpStatusCode? statusCode = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        ErrorCode = errorCode;
        StatusCode = statusCode;
    }

    public MlflowRegistryException()
        : this(MlflowErrorKind.Invalid, "MLflow call failed")
    {
    }

    public MlflowRegistryException(string message)
        : this(MlflowErrorKind.Invalid, message)
    {
    }

    public MlflowRegistryException(string message, Exception innerException)
        : this(MlflowErrorKind.Invalid, message, null, null, innerException)
    {
    }

    public MlflowErrorKind Kind { get; }

    /// <summary>MLflow's error code, for example <c>INVALID_PARAMETER_VALUE</c> or <c>RESOURCE_DOES_NOT_EXIST</c>.</summary>
    public string? ErrorCode { get; }

    /// <summary>The HTTP status of the answer; null when there was none.</summary>
    public HttpStatusCode? StatusCode { get; }
}
