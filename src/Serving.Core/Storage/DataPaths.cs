namespace Serving.Core.Storage;

/// <summary>
/// The data directory's layout: every file or folder the gateway writes, by default, lives under one root, so an
/// operator mounts one writable volume. Settings that name their own path still win over these defaults.
/// </summary>
public sealed class DataPaths
{
    public DataPaths(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.GetFullPath(root);
    }

    /// <summary>The data directory as an absolute path.</summary>
    public string Root { get; }

    /// <summary>Every model's deployment, kept across restarts.</summary>
    public string DeploymentsFile => Path.Combine(Root, "deployments.json");

    /// <summary>Prediction logs as JSON Lines files, one folder per model.</summary>
    public string PredictionLogs => Path.Combine(Root, "predictions");

    /// <summary>Versions downloaded from MLflow, laid out as a registry of their own (model/version/).</summary>
    public string MlflowRegistry => Path.Combine(Root, "mlflow");

    public static DataPaths From(DataPathOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new DataPaths(options.DataPath);
    }
}
