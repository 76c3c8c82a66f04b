namespace Serving.Gateway.Rest.Mlflow;

/// <summary>The <c>error_code</c> strings MLflow's scoring server puts in its error bodies.</summary>
public static class MlflowErrorCodes
{
    /// <summary>The body cannot be read as any accepted input format (400).</summary>
    public const string BadRequest = "BAD_REQUEST";

    /// <summary>The body parsed but does not fit the model's signature (400).</summary>
    public const string InvalidParameterValue = "INVALID_PARAMETER_VALUE";

    /// <summary>No model to serve, or the configured one does not exist (404).</summary>
    public const string ResourceDoesNotExist = "RESOURCE_DOES_NOT_EXIST";

    /// <summary>The model exists but cannot serve now (503).</summary>
    public const string TemporarilyUnavailable = "TEMPORARILY_UNAVAILABLE";

    /// <summary>The body is over the request size limit (413).</summary>
    public const string ResourceExhausted = "RESOURCE_EXHAUSTED";

    /// <summary>The model failed on input that passed validation (500).</summary>
    public const string InternalError = "INTERNAL_ERROR";
}
