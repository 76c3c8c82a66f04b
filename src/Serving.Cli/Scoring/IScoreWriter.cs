namespace Serving.Cli.Scoring;

/// <summary>Writes scored rows (input columns, then the output columns) to a file that becomes the output only on success.</summary>
internal interface IScoreWriter : IAsyncDisposable
{
    ValueTask WriteAsync(ScoredBatch batch, CancellationToken cancellationToken);

    /// <summary>Finishes the file (a Parquet footer, the last buffered bytes).</summary>
    ValueTask CompleteAsync(CancellationToken cancellationToken);
}
