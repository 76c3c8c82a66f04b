namespace Serving.Core.Contracts;

/// <summary>Where a version came from in MLflow: the registered model version, its run and the logged model.</summary>
public sealed record MlflowLineage
{
    /// <summary>Name of the registered model in the MLflow Model Registry, when it came from one.</summary>
    public string? RegisteredModel { get; init; }

    /// <summary>The MLflow model version number, as MLflow writes it.</summary>
    public string? Version { get; init; }

    /// <summary>The run that logged the model (<c>run_id</c>).</summary>
    public string? RunId { get; init; }

    /// <summary>The logged model's <c>model_uuid</c> from its MLmodel file.</summary>
    public string? ModelUuid { get; init; }

    /// <summary>The artifact URI the files were downloaded from (for example <c>mlflow-artifacts:/1/&lt;run&gt;/artifacts/model</c>).</summary>
    public string? ArtifactUri { get; init; }

    /// <summary>The MLflow version that wrote the MLmodel file.</summary>
    public string? MlflowVersion { get; init; }

    /// <summary>The experiment the run is in.</summary>
    public string? ExperimentId { get; init; }

    /// <summary>The tracking server the run is on (without credentials).</summary>
    public string? TrackingUri { get; init; }

    /// <summary>The run's page in MLflow's UI: <c>&lt;tracking uri&gt;/#/experiments/&lt;experiment&gt;/runs/&lt;run&gt;</c>.</summary>
    public string? RunUrl { get; init; }
}
