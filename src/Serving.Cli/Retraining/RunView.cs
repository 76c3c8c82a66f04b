using Serving.Core.Packaging;

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

    /// <summary>Triggers that came while it ran (event type and id), recorded instead of starting another run.</summary>
    public IReadOnlyList<string> Coalesced { get; init; } = [];

    public IReadOnlyList<string>? Log { get; init; }
}
