namespace Serving.Cli.Scoring;

/// <summary>Reads an input file a chunk at a time, so memory stays bounded whatever the file's length.</summary>
internal interface ITableReader : IAsyncDisposable
{
    /// <summary>The file's columns, in file order.</summary>
    IReadOnlyList<string> Columns { get; }

    /// <summary>How far through the file reading is, from 0 to 1, for the progress bar.</summary>
    double Progress { get; }

    /// <summary>The next chunk of at most <paramref name="maxRows"/> rows, or null at the end.</summary>
    ValueTask<RowBatch?> ReadAsync(int maxRows, CancellationToken cancellationToken);

    /// <summary>
    /// Takes back a chunk that nothing reads any more (written, or all its rows refused), so a later chunk may reuse
    /// its memory. Optional: a chunk never handed back is simply collected.
    /// </summary>
    void Recycle(RowBatch batch);
}
