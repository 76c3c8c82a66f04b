namespace Serving.Cli.Retraining.DvcLive;

/// <summary>Where a run's DVCLive files are, as <c>GET /runs/{id}</c> shows them (absolute paths).</summary>
public sealed record DvcLiveFiles
{
    /// <summary>The run's DVCLive directory, <c>&lt;run folder&gt;/dvclive</c>.</summary>
    public required string Dir { get; init; }

    public required string Metrics { get; init; }

    public required string Params { get; init; }

    public required string DvcYaml { get; init; }

    /// <summary>One TSV per metric with a history, under <c>plots/metrics</c>.</summary>
    public IReadOnlyList<string> Plots { get; init; } = [];

    /// <summary>The job's <c>dvclive.dir</c>, when set and written.</summary>
    public string? CopiedTo { get; init; }
}
