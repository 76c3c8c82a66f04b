using Serving.Gateway.Routing;

namespace Serving.Gateway.Rest.Mlflow;

/// <summary>Headers the MLflow endpoints write.</summary>
public static class MlflowHeaders
{
    /// <summary>The model version that answered, as the OIP endpoints report it too (a caller pins with it: <see cref="RoutingHeaders"/>).</summary>
    public const string ModelVersion = RoutingHeaders.ModelVersionHeader;

    /// <summary>The prediction's id, for ground-truth feedback.</summary>
    public const string PredictionId = "X-Prediction-Id";
}
