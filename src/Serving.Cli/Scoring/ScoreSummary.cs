namespace Serving.Cli.Scoring;

/// <summary>What a finished run did: rows written and skipped, by which version, how fast.</summary>
internal sealed record ScoreSummary(string Model, int Version, long Scored, long Rejected, TimeSpan Elapsed)
{
    public double RowsPerSecond => Elapsed > TimeSpan.Zero ? (Scored + Rejected) / Elapsed.TotalSeconds : 0;
}
