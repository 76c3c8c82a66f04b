using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Unicode;
using Serving.Core.Inference;

namespace Serving.Cli.Scoring;

/// <summary>
/// Writes the output CSV: the input's columns as they were (re-quoted only where a field needs it), then the output
/// columns. Floats are written shortest round-trip in the invariant culture, so reading them back gives the same values.
/// </summary>
internal sealed class CsvScoreWriter : IScoreWriter
{
    private static readonly SearchValues<char> NeedsQuotes = SearchValues.Create(",\"\r\n");

    private readonly FileStream _stream;
    private readonly int _inputColumns;
    private readonly OutputColumn[] _outputs;

    /// <summary>Room for any number's text: the longest, a double in E notation, is 24 bytes.</summary>
    private const int MaxValueBytes = 64;

    // Rows are put together as UTF-8 here and written in large blocks: a plain input row is copied as the bytes it
    // was read as, with no decoding and re-encoding in between.
    private byte[] _buffer = new byte[1 << 20];
    private int _used;

    public CsvScoreWriter(string path, IReadOnlyList<string> inputColumns, OutputColumn[] outputs)
    {
        _stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
        _inputColumns = inputColumns.Count;
        _outputs = outputs;
        var first = true;
        foreach (var name in inputColumns.Concat(outputs.Select(o => o.Name)))
        {
            if (!first)
            {
                Write((byte)',');
            }

            WriteField(name);
            first = false;
        }

        Write((byte)'\n');
    }

    // Per-row code of a process that lives seconds: compiled optimised at once, not first as unoptimised tier-0 code
    // that a short run spends much of its time in before tiering catches up.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ValueTask WriteAsync(ScoredBatch batch, CancellationToken cancellationToken)
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
                Write(csv.Plain(row));
            }
            else
            {
                for (var c = 0; c < _inputColumns; c++)
                {
                    if (c > 0)
                    {
                        Write((byte)',');
                    }

                    WriteField(csv is not null ? csv.Field(row, c) : ParquetCells.Format(parquet!.Columns[c], parquet.Offset + row));
                }
            }

            foreach (var column in _outputs)
            {
                if (_inputColumns > 0 || column != _outputs[0])
                {
                    Write((byte)',');
                }

                var tensor = batch.Outputs[column.Output];
                if (column.DataType == TensorDataType.Bytes)
                {
                    WriteField(OutputValues.Text(tensor, column, k));
                }
                else
                {
                    // Reserved first, in its own statement: it may flush, which resets _used.
                    var room = Reserve(MaxValueBytes);
                    _used += OutputValues.Format(tensor, column, k, room);
                }
            }

            Write((byte)'\n');
        }

        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.CompletedTask;
    }

    public ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        Flush();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            Flush();
        }
        finally
        {
            _stream.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private void WriteField(ReadOnlySpan<char> field)
    {
        if (field.IndexOfAny(NeedsQuotes) < 0)
        {
            WriteText(field);
            return;
        }

        Write((byte)'"');
        WriteText(field.ToString().Replace("\"", "\"\"", StringComparison.Ordinal));
        Write((byte)'"');
    }

    private void WriteText(ReadOnlySpan<char> text)
    {
        // Reserved first, in its own statement: it may flush, which resets _used.
        var room = Reserve(Encoding.UTF8.GetMaxByteCount(text.Length));
        _used += Encoding.UTF8.GetBytes(text, room);
    }

    private void Write(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(Reserve(bytes.Length));
        _used += bytes.Length;
    }

    private void Write(byte b)
    {
        if (_used == _buffer.Length)
        {
            Flush();
        }

        _buffer[_used++] = b;
    }

    /// <summary>Room for <paramref name="bytes"/> more bytes, flushing first when the buffer is short of it.</summary>
    private Span<byte> Reserve(int bytes)
    {
        if (_buffer.Length - _used < bytes)
        {
            Flush();
            if (_buffer.Length < bytes)
            {
                _buffer = new byte[bytes];
            }
        }

        return _buffer.AsSpan(_used);
    }

    private void Flush()
    {
        _stream.Write(_buffer, 0, _used);
        _used = 0;
    }
}
