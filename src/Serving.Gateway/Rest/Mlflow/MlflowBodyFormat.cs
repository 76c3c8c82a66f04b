namespace Serving.Gateway.Rest.Mlflow;

/// <summary>The two body formats MLflow's <c>/invocations</c> takes.</summary>
public enum MlflowBodyFormat
{
    /// <summary><c>application/json</c>: one of dataframe_split, dataframe_records, instances or inputs.</summary>
    Json,

    /// <summary><c>text/csv</c>: a header row of column names, then one row per record.</summary>
    Csv,
}
