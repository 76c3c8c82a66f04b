namespace Serving.Cli.Scoring;

/// <summary>One input row that was not scored: its 1-based line (CSV) or row (Parquet) number, and why.</summary>
internal sealed record RowRejection(long Line, string Reason);
