namespace Serving.Core.Registry.Mlflow;

/// <summary>What one model's MLflow source last saw and did, for the admin API and metrics.</summary>
public sealed record MlflowModelSourceState
{
    public required string Model { get; init; }

    public required string RegisteredModel { get; init; }

    /// <summary>Whether the last poll reached the tracking server.</summary>
    public bool Reachable { get; init; }

    public DateTimeOffset? LastPollAt { get; init; }

    /// <summary>When a poll last reached the server and finished its work.</summary>
    public DateTimeOffset? LastSuccessAt { get; init; }

    /// <summary>The last problem (server unreachable, version that cannot be packaged, refused deployment); null after a clean poll.</summary>
    public string? LastError { get; init; }

    public DateTimeOffset? LastErrorAt { get; init; }

    /// <summary>The version the stable alias pointed at on the last successful poll.</summary>
    public int? StableAliasVersion { get; init; }

    /// <summary>The version the canary alias pointed at on the last successful poll.</summary>
    public int? CanaryAliasVersion { get; init; }

    /// <summary>What the source waits for, if anything (a version still registering, an alias not set yet).</summary>
    public string? Waiting { get; init; }

    /// <summary>Versions that could not be packaged, with the reason; they are not tried again until the gateway restarts.</summary>
    public IReadOnlyDictionary<int, string> FailedVersions { get; init; } = new Dictionary<int, string>();
}
