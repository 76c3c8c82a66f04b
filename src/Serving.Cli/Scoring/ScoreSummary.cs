namespace Serving.Cli.Scoring;

/// <summary>What a finished run did: rows written and skipped, by which version, how fast.</summary>
internal sealed record ScoreSummary(string Model, int Version, long Scored, long Rejected, TimeSpan Elapsed)
{
    /// <summary>Time per stage, when <see cref="ScoreTimings.Variable"/> asks for it; else null.</summary>
    public string? Timings { get; init; }

    public double RowsPerSecond => Elapsed > TimeSpan.Zero ? (Scored + Rejected) / Elapsed.TotalSeconds : 0;
}
