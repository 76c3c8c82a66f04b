using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;

namespace Serving.Cli.Scoring;

/// <summary>
/// Streams a headered CSV file (RFC 4180: quoted fields may hold commas, line breaks and doubled quotes) as MLflow's
/// <c>text/csv</c> reader reads a body: header names trimmed, blank lines skipped, a short row's last cells empty.
/// Line numbers are the file's physical lines, the header being line 1, so an error points where an editor does.
/// The file is read as UTF-8 bytes in large blocks (a UTF-16 or UTF-32 file, known by its byte order mark, is transcoded
/// to UTF-8 first): the delimiters are ASCII, so rows are found and split without decoding a character.
/// </summary>
internal sealed class CsvTableReader : ITableReader
{
    private static readonly SearchValues<byte> FieldEnd = SearchValues.Create(","u8 + "\r\n"u8);
    private static readonly SearchValues<byte> QuoteOrLineEnd = SearchValues.Create("\"\r\n"u8);

    private readonly FileStream _stream;
    private readonly Stream _reader;
    private readonly byte[] _buffer = new byte[1 << 20];
    private int _position;
    private int _length;
    private long _line = 1;

    // Chunks written and handed back, reused rather than allocated anew: a chunk holds about a megabyte of rows.
    private readonly ConcurrentQueue<CsvRowBatch> _free = new();

    private CsvTableReader(FileStream stream)
    {
        _stream = stream;
        _reader = Utf8Of(stream);
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
        var rows = CsvRowBatch.RowsFor(maxRows, Columns.Count);
        CsvRowBatch? batch;
        while (_free.TryDequeue(out batch) && batch.Capacity != rows)
        {
        }

        batch ??= new CsvRowBatch(rows, Columns.Count);
        while (batch.Rows < rows && ReadRecord(batch, Columns.Count))
        {
            cancellationToken.ThrowIfCancellationRequested();
        }

        return ValueTask.FromResult<RowBatch?>(batch.Rows == 0 ? null : batch);
    }

    public void Recycle(RowBatch batch)
    {
        if (batch is CsvRowBatch csv)
        {
            csv.Reset();
            _free.Enqueue(csv);
        }
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Reads one record into <paramref name="batch"/>; false at the end of the file. Blank lines are skipped.</summary>
    // Per-row code of a process that lives seconds: compiled optimised at once, not first as unoptimised tier-0 code
    // that a short run spends much of its time in before tiering catches up.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool ReadRecord(CsvRowBatch batch, int columns)
    {
        while (true)
        {
            if (!EnsureData())
            {
                return false;
            }

            var c = _buffer[_position];
            if (c is not ((byte)'\r' or (byte)'\n'))
            {
                break;
            }

            ConsumeLineBreak();
        }

        batch.BeginRow(_line);
        string? problem = null;
        var fields = 0;
        var rest = _buffer.AsSpan(_position, _length - _position);
        var end = rest.IndexOfAny(QuoteOrLineEnd);
        if (end >= 0 && rest[end] != '"')
        {
            // Almost every row: whole in the buffer and without quotes, so copied in one piece and split at its commas.
            fields = batch.AppendPlainRow(rest[..end]);
            _position += end;
            ConsumeLineBreak();
            batch.EndRow(fields > columns ? TooMany(fields, columns) : null);
            return true;
        }

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
            problem = TooMany(fields, columns);
        }

        batch.EndRow(problem);
        return true;
    }

    private static string TooMany(int fields, int columns) => $"the row has {fields} fields but the header names {columns} columns";

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
                    batch.Append((byte)'"');
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
        // Collected and decoded, not judged byte by byte: a Unicode space (U+00A0, U+3000) is several bytes.
        List<byte>? after = null;
        while (EnsureData() && _buffer[_position] is not ((byte)',' or (byte)'\r' or (byte)'\n'))
        {
            (after ??= []).Add(_buffer[_position]);
            _position++;
        }

        return after is null || Encoding.UTF8.GetString([.. after]).All(char.IsWhiteSpace)
            ? null
            : "unexpected text after a closing quote; a quote inside a quoted field is written twice (\"\")";
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

    /// <summary>
    /// The file as UTF-8, as a BOM-detecting text reader would decode it: a UTF-16 or UTF-32 byte order mark gets the
    /// file transcoded (rare, and slower); anything else is read as UTF-8, its own BOM skipped.
    /// </summary>
    private static Stream Utf8Of(FileStream stream)
    {
        Span<byte> start = stackalloc byte[4];
        var read = stream.ReadAtLeast(start, 4, throwOnEndOfStream: false);
        start = start[..read];
        stream.Position = start.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        Encoding? encoding = start switch
        {
            [0xFF, 0xFE, 0, 0] => new UTF32Encoding(bigEndian: false, byteOrderMark: true),
            [0, 0, 0xFE, 0xFF] => new UTF32Encoding(bigEndian: true, byteOrderMark: true),
            [0xFF, 0xFE, ..] => Encoding.Unicode,
            [0xFE, 0xFF, ..] => Encoding.BigEndianUnicode,
            _ => null,
        };
        if (encoding is null)
        {
            return stream;
        }

        stream.Position = encoding.Preamble.Length;
        return Encoding.CreateTranscodingStream(stream, encoding, Encoding.UTF8);
    }
}
