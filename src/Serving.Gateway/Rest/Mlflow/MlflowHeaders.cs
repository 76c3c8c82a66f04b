namespace Serving.Gateway.Rest.Mlflow;

/// <summary>Headers the MLflow endpoints write.</summary>
public static class MlflowHeaders
{
    /// <summary>The model version that answered, as the OIP endpoints report it too.</summary>
    public const string ModelVersion = "X-Model-Version";

    /// <summary>A caller's key for sticky routing: the same key stays on one version while the weights hold.</summary>
    public const string RoutingKey = "X-Routing-Key";

    /// <summary>The prediction's id, for ground-truth feedback.</summary>
    public const string PredictionId = "X-Prediction-Id";
}
