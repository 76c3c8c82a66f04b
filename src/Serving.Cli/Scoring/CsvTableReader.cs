using System.Buffers;
using System.Text;

namespace Serving.Cli.Scoring;

/// <summary>
/// Streams a headered CSV file (RFC 4180: quoted fields may hold commas, line breaks and doubled quotes) as MLflow's
/// <c>text/csv</c> reader reads a body: header names trimmed, blank lines skipped, a short row's last cells empty.
/// Line numbers are the file's physical lines, the header being line 1, so an error points where an editor does.
/// </summary>
internal sealed class CsvTableReader : ITableReader
{
    private static readonly SearchValues<char> FieldEnd = SearchValues.Create(",\r\n");

    private readonly FileStream _stream;
    private readonly StreamReader _reader;
    private readonly char[] _buffer = new char[1 << 16];
    private int _position;
    private int _length;
    private long _line = 1;

    private CsvTableReader(FileStream stream)
    {
        _stream = stream;
        _reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        Columns = [];
    }

    public IReadOnlyList<string> Columns { get; private set; }

    public double Progress => _stream.Length == 0 ? 1 : (double)_stream.Position / _stream.Length;

    public static CsvTableReader Open(string path)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        var reader = new CsvTableReader(stream);
        try
        {
            var header = new CsvRowBatch(1, 64);
            if (!reader.ReadRecord(header, int.MaxValue))
            {
                throw new ScoringException($"'{path}' is empty; a CSV input starts with a header row of column names");
            }

            if (header.ProblemOf(0) is { } problem)
            {
                throw new ScoringException($"line {header.LineOf(0)} (the header): {problem}");
            }

            var columns = new string[header.FieldCount(0)];
            for (var c = 0; c < columns.Length; c++)
            {
                columns[c] = header.Field(0, c).Trim().ToString();
            }

            reader.Columns = columns;
            return reader;
        }
        catch
        {
            reader._reader.Dispose();
            throw;
        }
    }

    public ValueTask<RowBatch?> ReadAsync(int maxRows, CancellationToken cancellationToken)
    {
        var batch = new CsvRowBatch(maxRows, Columns.Count);
        while (batch.Rows < maxRows && ReadRecord(batch, Columns.Count))
        {
            cancellationToken.ThrowIfCancellationRequested();
        }

        return ValueTask.FromResult<RowBatch?>(batch.Rows == 0 ? null : batch);
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Reads one record into <paramref name="batch"/>; false at the end of the file. Blank lines are skipped.</summary>
    private bool ReadRecord(CsvRowBatch batch, int columns)
    {
        while (true)
        {
            if (!EnsureData())
            {
                return false;
            }

            var c = _buffer[_position];
            if (c is not ('\r' or '\n'))
            {
                break;
            }

            ConsumeLineBreak();
        }

        batch.BeginRow(_line);
        string? problem = null;
        var fields = 0;
        while (true)
        {
            var start = batch.TextLength;
            if (EnsureData() && _buffer[_position] == '"')
            {
                _position++;
                batch.MarkQuoted();
                ReadQuoted(batch);
                problem ??= SkipAfterClosingQuote();
            }
            else
            {
                ReadUnquoted(batch);
            }

            batch.EndField(start);
            fields++;
            if (EnsureData() && _buffer[_position] == ',')
            {
                _position++;
                batch.AppendSeparator();
                continue;
            }

            if (EnsureData())
            {
                ConsumeLineBreak();
            }

            break;
        }

        if (problem is null && fields > columns)
        {
            problem = $"the row has {fields} fields but the header names {columns} columns";
        }

        batch.EndRow(problem);
        return true;
    }

    private void ReadUnquoted(CsvRowBatch batch)
    {
        while (EnsureData())
        {
            var span = _buffer.AsSpan(_position, _length - _position);
            var end = span.IndexOfAny(FieldEnd);
            if (end >= 0)
            {
                batch.Append(span[..end]);
                _position += end;
                return;
            }

            batch.Append(span);
            _position = _length;
        }
    }

    private void ReadQuoted(CsvRowBatch batch)
    {
        var opened = _line;
        while (EnsureData())
        {
            var c = _buffer[_position++];
            if (c == '"')
            {
                if (EnsureData() && _buffer[_position] == '"')
                {
                    _position++;
                    batch.Append('"');
                    continue;
                }

                return;
            }

            // A line break inside quotes is data, but it still moves the editor's line count on.
            if (c == '\n' || (c == '\r' && !(EnsureData() && _buffer[_position] == '\n')))
            {
                _line++;
            }

            batch.Append(c);
        }

        throw new ScoringException($"line {opened}: a quoted field is not closed before the end of the file");
    }

    /// <summary>Spaces after a closing quote are layout; anything else there makes the row unreadable.</summary>
    private string? SkipAfterClosingQuote()
    {
        string? problem = null;
        while (EnsureData() && _buffer[_position] is not (',' or '\r' or '\n'))
        {
            if (!char.IsWhiteSpace(_buffer[_position]))
            {
                problem = "unexpected text after a closing quote; a quote inside a quoted field is written twice (\"\")";
            }

            _position++;
        }

        return problem;
    }

    private void ConsumeLineBreak()
    {
        if (_buffer[_position] == '\r')
        {
            _position++;
            if (EnsureData() && _buffer[_position] == '\n')
            {
                _position++;
            }
        }
        else
        {
            _position++;
        }

        _line++;
    }

    private bool EnsureData()
    {
        if (_position < _length)
        {
            return true;
        }

        _length = _reader.Read(_buffer, 0, _buffer.Length);
        _position = 0;
        return _length > 0;
    }
}
