using Microsoft.Extensions.Logging;

namespace Serving.Gateway.Rest.Mlflow;

/// <summary>Log messages of the MLflow scoring endpoints.</summary>
internal static partial class MlflowLog
{
    [LoggerMessage(EventId = 4101, Level = LogLevel.Error, Message = "MLflow /invocations: model {Model} failed on input that passed validation")]
    public static partial void ModelFailed(ILogger logger, string? model, Exception exception);
}
