using Serving.Core.Contracts;

namespace Serving.Cli.Scoring;

/// <summary>A window of rows over a row group's columns (each read whole as <c>T?[]</c> or <c>string[]</c>).</summary>
internal sealed class ParquetRowBatch : RowBatch
{
    public ParquetRowBatch(Array[] columns, int offset, int rows, long firstRow)
    {
        Columns = columns;
        Offset = offset;
        Rows = rows;
        FirstRow = firstRow;
    }

    /// <summary>The row group's columns, in file order; this batch is rows [Offset, Offset + Rows) of them.</summary>
    public Array[] Columns { get; }

    public int Offset { get; }

    public override int Rows { get; }

    /// <summary>The 1-based number of this batch's first row in the file.</summary>
    public long FirstRow { get; }

    public override long LineOf(int row) => FirstRow + row;

    public override string? ProblemOf(int row) => null;

    public override bool TryReadSingle(int row, int column, out float value)
    {
        var read = ParquetCells.TryReadDouble(Columns[column], Offset + row, out var real);
        value = (float)real;
        return read;
    }

    public override bool TryReadDouble(int row, int column, out double value) => ParquetCells.TryReadDouble(Columns[column], Offset + row, out value);

    public override bool TryReadInt64(int row, int column, out long value) => ParquetCells.TryReadInt64(Columns[column], Offset + row, out value);

    public override bool TryReadUInt64(int row, int column, out ulong value) => ParquetCells.TryReadUInt64(Columns[column], Offset + row, out value);

    public override bool TryReadBoolean(int row, int column, out bool value) => ParquetCells.TryReadBoolean(Columns[column], Offset + row, out value);

    public override bool TryReadText(int row, int column, out string value) => ParquetCells.TryReadText(Columns[column], Offset + row, out value);

    public override string Describe(int row, int column) =>
        Columns[column].GetValue(Offset + row) is { } value
            ? $"'{CallerText.Cut(ParquetCells.Format(Columns[column], Offset + row), 40)}' ({value.GetType().Name})"
            : "null";
}
