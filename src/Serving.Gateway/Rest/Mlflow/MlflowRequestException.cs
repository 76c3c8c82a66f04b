namespace Serving.Gateway.Rest.Mlflow;

/// <summary>
/// A request MLflow's scoring server would refuse, with the status, error code and message it would answer.
/// Thrown by the decoder so that it stays free of HTTP types; the endpoint turns it into a response.
/// </summary>
public sealed class MlflowRequestException : Exception
{
    public MlflowRequestException(int statusCode, string errorCode, string message, bool plainText = false)
        : base(message)
    {
        StatusCode = statusCode;
        ErrorCode = errorCode;
        PlainText = plainText;
    }

    public MlflowRequestException()
        : this(400, MlflowErrorCodes.BadRequest, "bad request")
    {
    }

    public MlflowRequestException(string message)
        : this(400, MlflowErrorCodes.BadRequest, message)
    {
    }

    public MlflowRequestException(string message, Exception innerException)
        : base(message, innerException)
    {
        StatusCode = 400;
        ErrorCode = MlflowErrorCodes.BadRequest;
    }

    /// <summary>HTTP status to answer.</summary>
    public int StatusCode { get; }

    /// <summary>MLflow's <c>error_code</c>, see <see cref="MlflowErrorCodes"/>.</summary>
    public string ErrorCode { get; }

    /// <summary>True when MLflow answers this error as <c>text/plain</c> (unsupported content types) rather than JSON.</summary>
    public bool PlainText { get; }

    /// <summary>400 BAD_REQUEST: the body is not in an accepted format.</summary>
    public static MlflowRequestException BadRequest(string message) =>
        new(400, MlflowErrorCodes.BadRequest, message);

    /// <summary>400 INVALID_PARAMETER_VALUE: the data does not fit the model's signature.</summary>
    public static MlflowRequestException InvalidValue(string message) =>
        new(400, MlflowErrorCodes.InvalidParameterValue, message);

    /// <summary>415 as plain text: a content type the scoring protocol does not take.</summary>
    public static MlflowRequestException UnsupportedMediaType(string message) =>
        new(415, MlflowErrorCodes.BadRequest, message, plainText: true);
}
