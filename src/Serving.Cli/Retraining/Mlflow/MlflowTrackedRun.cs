namespace Serving.Cli.Retraining.Mlflow;

/// <summary>A retraining run's MLflow run: where it is, what was logged to it, and whether tracking has failed.</summary>
public sealed class MlflowTrackedRun(string experimentId, string runId, string artifactUri, string runUrl)
{
    public string ExperimentId { get; } = experimentId;

    public string RunId { get; } = runId;

    /// <summary>The run's artifact root as <c>runs/create</c> answered it (<c>mlflow-artifacts:/1/&lt;run&gt;/artifacts</c>).</summary>
    public string ArtifactUri { get; } = artifactUri;

    /// <summary>The run's page in MLflow's UI.</summary>
    public string RunUrl { get; } = runUrl;

    /// <summary>The logged model's artifact URI, once uploaded.</summary>
    public string? ModelUri { get; set; }

    /// <summary>The logged model's <c>model_uuid</c>, once uploaded.</summary>
    public string? ModelUuid { get; set; }

    /// <summary>Why tracking stopped, once a call failed; later steps are skipped.</summary>
    public string? Failure { get; set; }
}
