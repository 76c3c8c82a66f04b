namespace Serving.Gateway.Rest.Mlflow;

/// <summary>What a key of a JSON dict of columns or tensors names in the model.</summary>
internal enum MlflowDictionaryTarget
{
    /// <summary>Nothing the model uses; ignored, as MLflow ignores extra columns.</summary>
    None,

    /// <summary>An input: the value is that input's tensor, one row per element.</summary>
    Input,

    /// <summary>A feature: the value is that column, one value per row.</summary>
    Column,
}
