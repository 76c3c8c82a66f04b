namespace Serving.Cli.Scoring;

/// <summary>
/// Up to one chunk of input rows, read but not yet typed: the tensor builder asks each cell for the type its model
/// input needs, so a CSV field is parsed once, straight into the tensor.
/// </summary>
internal abstract class RowBatch
{
    public abstract int Rows { get; }

    /// <summary>The row's 1-based number as the user finds it: the CSV line it starts on, the Parquet row.</summary>
    public abstract long LineOf(int row);

    /// <summary>Why the row cannot be read at all (a CSV row with more fields than the header), or null.</summary>
    public abstract string? ProblemOf(int row);

    public abstract bool TryReadSingle(int row, int column, out float value);

    public abstract bool TryReadDouble(int row, int column, out double value);

    public abstract bool TryReadInt64(int row, int column, out long value);

    public abstract bool TryReadUInt64(int row, int column, out ulong value);

    public abstract bool TryReadBoolean(int row, int column, out bool value);

    public abstract bool TryReadText(int row, int column, out string value);

    /// <summary>The cell as the file holds it, shortened and quoted, for an error message.</summary>
    public abstract string Describe(int row, int column);
}
