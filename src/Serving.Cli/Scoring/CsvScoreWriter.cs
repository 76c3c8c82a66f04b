using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Unicode;
using Serving.Core.Contracts;

namespace Serving.Cli.Scoring;

/// <summary>
/// Writes the output CSV: the input's columns as they were (re-quoted only where a field needs it), then the output
/// columns. Floats are written shortest round-trip in the invariant culture, so reading them back gives the same values.
/// A chunk's text is put together by <see cref="Prepare"/>, which the scorer runs on several chunks at once, and
/// written to the file in chunk order by <see cref="WriteAsync"/> in one call.
/// </summary>
internal sealed class CsvScoreWriter : IScoreWriter
{
    private static readonly SearchValues<char> NeedsQuotes = SearchValues.Create(",\"\r\n");

    /// <summary>Room for any number's text: the longest, a double in E notation, is 24 bytes.</summary>
    private const int MaxValueBytes = 64;

    /// <summary>Blocks kept for reuse: as many as the pipeline has chunks in flight, with some slack.</summary>
    private const int BlocksKept = 16;

    private readonly FileStream _stream;
    private readonly int _inputColumns;
    private readonly OutputColumn[] _outputs;
    private readonly ConcurrentQueue<Utf8Block> _free = new();
    private Utf8Block? _header;

    /// <param name="mode">A new file (<see cref="FileMode.CreateNew"/>), or <see cref="FileMode.Open"/> for a device or pipe that is there.</param>
    public CsvScoreWriter(string path, IReadOnlyList<string> inputColumns, OutputColumn[] outputs, FileMode mode = FileMode.CreateNew)
    {
        _stream = TemporaryOutput.Open(path, mode, FileAccess.Write, bufferSize: 0);
        _inputColumns = inputColumns.Count;
        _outputs = outputs;
        var header = new Utf8Block(4096);
        var first = true;
        foreach (var name in inputColumns.Concat(outputs.Select(o => o.Name)))
        {
            if (!first)
            {
                header.Write((byte)',');
            }

            WriteField(header, name);
            first = false;
        }

        header.Write((byte)'\n');
        _header = header;
    }

    /// <summary>Puts the chunk's rows together as text; touches nothing shared, so chunks may be prepared in parallel.</summary>
    public ScoredBatch Prepare(ScoredBatch batch)
    {
        if (!_free.TryDequeue(out var block))
        {
            block = new Utf8Block(1 << 20);
        }

        block.Clear();
        Encode(batch, block);
        return batch with { Encoded = block };
    }

    public ValueTask WriteAsync(ScoredBatch batch, CancellationToken cancellationToken)
    {
        WriteHeader();
        var block = batch.Encoded ?? Prepare(batch).Encoded!;
        _stream.Write(block.Written);
        if (_free.Count < BlocksKept)
        {
            _free.Enqueue(block);
        }

        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.CompletedTask;
    }

    public ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        WriteHeader();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        _stream.Dispose();
        return ValueTask.CompletedTask;
    }

    private void WriteHeader()
    {
        if (_header is not null)
        {
            _stream.Write(_header.Written);
            _header = null;
        }
    }

    // Per-row code of a process that lives seconds: compiled optimised at once, not first as unoptimised tier-0 code
    // that a short run spends much of its time in before tiering catches up.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Encode(ScoredBatch batch, Utf8Block block)
    {
        var csv = batch.Rows as CsvRowBatch;
        var parquet = batch.Rows as ParquetRowBatch;
        for (var k = 0; k < batch.Kept.Length; k++)
        {
            var row = batch.Kept[k];
            if (csv is not null && csv.IsPlain(row) && csv.FieldCount(row) == _inputColumns && Utf8.IsValid(csv.Plain(row)))
            {
                // Most rows: copied as the file had them, in one piece (invalid UTF-8 goes field by field, so it is
                // written as a text reader decodes it, U+FFFD for each bad sequence).
                block.Write(csv.Plain(row));
            }
            else
            {
                for (var c = 0; c < _inputColumns; c++)
                {
                    if (c > 0)
                    {
                        block.Write((byte)',');
                    }

                    WriteField(block, csv is not null ? csv.Field(row, c) : ParquetCells.Format(parquet!.Columns[c], parquet.Offset + row));
                }
            }

            foreach (var column in _outputs)
            {
                if (_inputColumns > 0 || column != _outputs[0])
                {
                    block.Write((byte)',');
                }

                var tensor = batch.Outputs[column.Output];
                if (column.DataType == TensorDataType.Bytes)
                {
                    WriteField(block, OutputValues.Text(tensor, column, k));
                }
                else
                {
                    // Reserved first, in its own statement: it may replace the buffer.
                    var room = block.Reserve(MaxValueBytes);
                    block.Advance(OutputValues.Format(tensor, column, k, room));
                }
            }

            block.Write((byte)'\n');
        }
    }

    private static void WriteField(Utf8Block block, ReadOnlySpan<char> field)
    {
        if (field.IndexOfAny(NeedsQuotes) < 0)
        {
            block.WriteText(field);
            return;
        }

        block.Write((byte)'"');
        block.WriteText(field.ToString().Replace("\"", "\"\"", StringComparison.Ordinal));
        block.Write((byte)'"');
    }
}
