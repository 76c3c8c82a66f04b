using Serving.Core.Contracts;

namespace Serving.Cli.Retraining;

/// <summary>A run as <c>GET /runs</c> and <c>GET /runs/{id}</c> show it (the log only on the latter).</summary>
public sealed record RunView
{
    public required string Id { get; init; }

    public required string Model { get; init; }

    public required string Stage { get; init; }

    public string? EventId { get; init; }

    public required string EventType { get; init; }

    public DateTimeOffset Started { get; init; }

    public DateTimeOffset? Finished { get; init; }

    /// <summary>Why it failed or was refused, or what it published.</summary>
    public string? Message { get; init; }

    /// <summary>The version published; null unless the run is done.</summary>
    public int? Version { get; init; }

    public int? ParentVersion { get; init; }

    /// <summary><c>passed</c> or <c>refused</c> once evaluated.</summary>
    public string? Verdict { get; init; }

    public EvaluationLineage? Evaluation { get; init; }

    public string? DataSha256 { get; init; }

    /// <summary>The run's DVCLive files (metrics, plots, params, dvc.yaml), once judged.</summary>
    public DvcLive.DvcLiveFiles? DvcLive { get; init; }
    /// <summary>The MLflow run (<c>mlflow run &lt;id&gt; FINISHED: &lt;url&gt;</c>) or <c>failed: &lt;reason&gt;</c>; null when tracking is off.</summary>
    public string? Tracking { get; init; }

    /// <summary>Triggers that came while it ran (event type and id), recorded instead of starting another run.</summary>
    public IReadOnlyList<string> Coalesced { get; init; } = [];

    public IReadOnlyList<string>? Log { get; init; }
}
