namespace Serving.Cli.Scoring;

/// <summary>Writes scored rows (input columns, then the output columns) to a file that becomes the output only on success.</summary>
internal interface IScoreWriter : IAsyncDisposable
{
    /// <summary>
    /// The part of writing a chunk that does not depend on the chunks before it (a CSV chunk's text), run on several
    /// chunks at once before <see cref="WriteAsync"/> takes them in file order; returns the batch to hand to it.
    /// </summary>
    ScoredBatch Prepare(ScoredBatch batch);

    ValueTask WriteAsync(ScoredBatch batch, CancellationToken cancellationToken);

    /// <summary>Finishes the file (a Parquet footer, the last buffered bytes).</summary>
    ValueTask CompleteAsync(CancellationToken cancellationToken);
}
