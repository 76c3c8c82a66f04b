namespace Serving.Cli.Retraining.DvcLive;

/// <summary>
/// A job's <c>dvclive</c> settings. Every run writes its DVCLive files into <c>&lt;run folder&gt;/dvclive</c>;
/// <see cref="Dir"/> names a second folder (e.g. the team's repository's <c>dvclive</c>) that each run's files replace,
/// as DVCLive's own <c>Live()</c> starts its directory afresh.
/// </summary>
public sealed record DvcLiveOptions
{
    /// <summary>Also written here (relative to the config file's folder); null: only in the run's folder.</summary>
    public string? Dir { get; init; }
}
