using System.Buffers;
using System.Text;
using Serving.Core.Inference;

namespace Serving.Cli.Scoring;

/// <summary>
/// Writes the output CSV: the input's columns as they were (re-quoted only where a field needs it), then the output
/// columns. Floats are written shortest round-trip in the invariant culture, so reading them back gives the same values.
/// </summary>
internal sealed class CsvScoreWriter : IScoreWriter
{
    private static readonly SearchValues<char> NeedsQuotes = SearchValues.Create(",\"\r\n");

    private readonly StreamWriter _writer;
    private readonly int _inputColumns;
    private readonly OutputColumn[] _outputs;
    private readonly char[] _scratch = new char[64];

    public CsvScoreWriter(string path, IReadOnlyList<string> inputColumns, OutputColumn[] outputs)
    {
        var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        _writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 20);
        _inputColumns = inputColumns.Count;
        _outputs = outputs;
        var first = true;
        foreach (var name in inputColumns.Concat(outputs.Select(o => o.Name)))
        {
            if (!first)
            {
                _writer.Write(',');
            }

            WriteField(name);
            first = false;
        }

        _writer.Write('\n');
    }

    public ValueTask WriteAsync(ScoredBatch batch, CancellationToken cancellationToken)
    {
        var csv = batch.Rows as CsvRowBatch;
        var parquet = batch.Rows as ParquetRowBatch;
        for (var k = 0; k < batch.Kept.Length; k++)
        {
            var row = batch.Kept[k];
            if (csv is not null && csv.IsPlain(row) && csv.FieldCount(row) == _inputColumns)
            {
                // Most rows: copied as the file had them, in one piece.
                _writer.Write(csv.Plain(row));
            }
            else
            {
                for (var c = 0; c < _inputColumns; c++)
                {
                    if (c > 0)
                    {
                        _writer.Write(',');
                    }

                    WriteField(csv is not null ? csv.Field(row, c) : ParquetCells.Format(parquet!.Columns[c], parquet.Offset + row));
                }
            }

            foreach (var column in _outputs)
            {
                if (_inputColumns > 0 || column != _outputs[0])
                {
                    _writer.Write(',');
                }

                var tensor = batch.Outputs[column.Output];
                if (column.DataType == TensorDataType.Bytes)
                {
                    WriteField(OutputValues.Text(tensor, column, k));
                }
                else
                {
                    var length = OutputValues.Format(tensor, column, k, _scratch);
                    _writer.Write(_scratch, 0, length);
                }
            }

            _writer.Write('\n');
        }

        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.CompletedTask;
    }

    public async ValueTask CompleteAsync(CancellationToken cancellationToken) => await _writer.FlushAsync(cancellationToken).ConfigureAwait(false);

    public ValueTask DisposeAsync() => _writer.DisposeAsync();

    private void WriteField(ReadOnlySpan<char> field)
    {
        if (field.IndexOfAny(NeedsQuotes) < 0)
        {
            _writer.Write(field);
            return;
        }

        _writer.Write('"');
        foreach (var c in field)
        {
            if (c == '"')
            {
                _writer.Write('"');
            }

            _writer.Write(c);
        }

        _writer.Write('"');
    }
}
