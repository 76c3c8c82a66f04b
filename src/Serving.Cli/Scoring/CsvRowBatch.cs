using System.Runtime.CompilerServices;
using System.Text;
using Serving.Core.Contracts;
using Serving.Core.Inference.Mlflow;

namespace Serving.Cli.Scoring;

/// <summary>
/// CSV rows as one buffer of the file's UTF-8 bytes with field offsets: no string per field, so a million rows of
/// thirty features cost no thirty million allocations, and no decoding: numbers are read straight from the bytes and a
/// plain row is copied to the output as it came. Cells are read with MLflow's text rules (<see cref="MlflowTextValues"/>),
/// those off the fast number path through their decoded text, so they read exactly as text would.
/// A row without quotes is only copied and its commas counted when it is read (the reader is the one stage that cannot
/// run in parallel); it is split into fields when a field is first asked for, and the tensor builder reads a plain row's
/// numbers straight from <see cref="Plain"/> without splitting it at all. A batch is reused for a later chunk once that
/// chunk is written (<see cref="Reset"/>), so a run allocates a few batches, not one per chunk.
/// </summary>
internal sealed class CsvRowBatch : RowBatch
{
    private byte[] _text;
    private int _textLength;
    private int[] _fieldStart;
    private int[] _fieldLength;
    private int _fields;
    private readonly int[] _rowFirstField;
    private readonly int[] _rowFieldCount;
    private readonly long[] _lines;
    private readonly int[] _rowStart;
    private readonly int[] _rowEnd;
    private readonly bool[] _rowQuoted;
    private string?[]? _problems;
    private int _rows;

    /// <summary>
    /// The most text a chunk's buffers are sized for up front (rows x columns x 8 bytes): a wide file's chunk holds fewer
    /// rows than <c>--batch-size</c> rather than buffers past what an array can hold. An ordinary chunk (4096 rows of
    /// thirty columns is about a megabyte) is far under it.
    /// </summary>
    private const long TextBudget = 1L << 28;

    /// <summary>Rows per chunk for <paramref name="maxRows"/> asked and <paramref name="columns"/> columns: fewer when the file is wide.</summary>
    public static int RowsFor(int maxRows, int columns) => (int)Math.Clamp(TextBudget / (Math.Max(columns, 1) * 8L), 1, maxRows);

    public CsvRowBatch(int maxRows, int columns)
    {
        _rowFirstField = new int[maxRows];
        _rowFieldCount = new int[maxRows];
        _lines = new long[maxRows];
        _rowStart = new int[maxRows];
        _rowEnd = new int[maxRows];
        _rowQuoted = new bool[maxRows];
        // Sized for about eight bytes a field, and grown when a row is longer; never past the budget up front.
        var fields = (int)Math.Min((long)maxRows * Math.Max(columns, 1), TextBudget / 8);
        _fieldStart = new int[fields];
        _fieldLength = new int[fields];
        _text = new byte[fields * 8];
    }

    public override int Rows => _rows;

    public int Capacity => _lines.Length;

    public int TextLength => _textLength;

    public override long LineOf(int row) => _lines[row];

    /// <summary>Empties the batch for the next chunk, keeping its arrays: nothing of the rows before is read again.</summary>
    public void Reset()
    {
        _rows = 0;
        _textLength = 0;
        _fields = 0;
        _problems = null;
    }

    public override string? ProblemOf(int row) => _problems?[row];

    public int FieldCount(int row) => _rowFieldCount[row];

    /// <summary>
    /// The row as the file wrote it (without its line break), when that is its fields joined by commas: no field was
    /// quoted; empty when one was. Lets the output copy a plain row in one piece instead of field by field.
    /// </summary>
    public ReadOnlySpan<byte> Plain(int row) => _rowQuoted[row] ? default : _text.AsSpan(_rowStart[row], _rowEnd[row] - _rowStart[row]);

    public bool IsPlain(int row) => !_rowQuoted[row];

    /// <summary>
    /// A plain row's bytes and whatever the buffer holds after them, so a reader may look a word past a field
    /// (<see cref="ShortDecimalWord"/>): the row is the first <see cref="PlainLength"/> of them.
    /// </summary>
    public ReadOnlySpan<byte> PlainAndAfter(int row) => _text.AsSpan(_rowStart[row]);

    public int PlainLength(int row) => _rowEnd[row] - _rowStart[row];

    /// <summary>The field's UTF-8 bytes (unquoted); a short row's missing trailing fields are empty, as pandas reads them.</summary>
    // Per-row code of a process that lives seconds: compiled optimised at once, not first as unoptimised tier-0 code
    // that a short run spends much of its time in before tiering catches up.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ReadOnlySpan<byte> Utf8Field(int row, int column)
    {
        if (column >= _rowFieldCount[row])
        {
            return [];
        }

        if (_rowFirstField[row] < 0)
        {
            Split(row);
        }

        var field = _rowFirstField[row] + column;
        return _text.AsSpan(_fieldStart[field], _fieldLength[field]);
    }

    /// <summary>The field as text; invalid UTF-8 reads as U+FFFD, as a UTF-8 text reader decodes it.</summary>
    public string Field(int row, int column) => Encoding.UTF8.GetString(Utf8Field(row, column));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override bool TryReadSingle(int row, int column, out float value) =>
        MlflowTextValues.TryReadShortDecimal(Utf8Field(row, column), out value) || MlflowTextValues.TryReadSingle(Decode(row, column, stackalloc char[128]), out value);

    public override bool TryReadDouble(int row, int column, out double value) => MlflowTextValues.TryReadDouble(Decode(row, column, stackalloc char[128]), out value);

    public override bool TryReadInt64(int row, int column, out long value) => MlflowTextValues.TryReadInt64(Decode(row, column, stackalloc char[128]), out value);

    public override bool TryReadUInt64(int row, int column, out ulong value) => MlflowTextValues.TryReadUInt64(Decode(row, column, stackalloc char[128]), out value);

    public override bool TryReadBoolean(int row, int column, out bool value) => MlflowTextValues.TryReadBoolean(Decode(row, column, stackalloc char[128]), out value);

    public override bool TryReadText(int row, int column, out string value)
    {
        value = Field(row, column);
        return true;
    }

    public override string Describe(int row, int column) =>
        column < _rowFieldCount[row] ? $"'{CallerText.Cut(Field(row, column), 40)}'" : "no value (the row is short)";

    /// <summary>The field decoded into <paramref name="scratch"/> when it fits (a number always does), else into a new string.</summary>
    private ReadOnlySpan<char> Decode(int row, int column, Span<char> scratch)
    {
        var bytes = Utf8Field(row, column);
        return bytes.Length <= scratch.Length ? scratch[..Encoding.UTF8.GetChars(bytes, scratch)] : Encoding.UTF8.GetString(bytes);
    }

    public void BeginRow(long line)
    {
        _lines[_rows] = line;
        _rowFirstField[_rows] = _fields;
        _rowFieldCount[_rows] = 0;
        _rowStart[_rows] = _textLength;
        _rowQuoted[_rows] = false;
    }

    /// <summary>Notes that the row has a quoted field, whose text is kept unquoted and so is not the row as written.</summary>
    public void MarkQuoted() => _rowQuoted[_rows] = true;

    /// <summary>Appends a comma between fields: not part of any field, it keeps a plain row's text as the file had it.</summary>
    public void AppendSeparator() => Append((byte)',');

    /// <summary>
    /// Appends a whole row that has no quote and returns its field count. It is split at its commas only when a field
    /// is asked for (<see cref="Utf8Field"/>): one copy and one vectorised count here, on the reader's thread.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int AppendPlainRow(ReadOnlySpan<byte> row)
    {
        Append(row);
        var fields = row.Count((byte)',') + 1;
        _rowFirstField[_rows] = -1;
        _rowFieldCount[_rows] = fields;
        return fields;
    }

    /// <summary>Splits a plain row at its commas, its fields added after those already known.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Split(int row)
    {
        var start = _rowStart[row];
        var text = _text.AsSpan(start, _rowEnd[row] - start);
        _rowFirstField[row] = _fields;
        var at = 0;
        while (true)
        {
            var comma = text[at..].IndexOf((byte)',');
            var length = comma < 0 ? text.Length - at : comma;
            AddField(start + at, length);
            if (comma < 0)
            {
                return;
            }

            at += comma + 1;
        }
    }

    /// <summary>Appends characters to the field being read.</summary>
    public void Append(ReadOnlySpan<byte> chars)
    {
        if (_textLength + chars.Length > _text.Length)
        {
            Array.Resize(ref _text, Grown(_text.Length, (long)_textLength + chars.Length));
        }

        chars.CopyTo(_text.AsSpan(_textLength));
        _textLength += chars.Length;
    }

    public void Append(byte c)
    {
        if (_textLength == _text.Length)
        {
            Array.Resize(ref _text, Grown(_text.Length, _textLength + 1L));
        }

        _text[_textLength++] = c;
    }

    /// <summary>Closes the field that began at text offset <paramref name="start"/>.</summary>
    public void EndField(int start)
    {
        AddField(start, _textLength - start);
        _rowFieldCount[_rows]++;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AddField(int start, int length)
    {
        if (_fields == _fieldStart.Length)
        {
            var grown = Grown(_fields, _fields + 1L);
            Array.Resize(ref _fieldStart, grown);
            Array.Resize(ref _fieldLength, grown);
        }

        _fieldStart[_fields] = start;
        _fieldLength[_fields] = length;
        _fields++;
    }

    /// <summary>A buffer's next length: doubled, or what is needed, up to the largest array there can be.</summary>
    private static int Grown(int length, long needed)
    {
        if (needed > Array.MaxLength)
        {
            throw new ScoringException("a chunk of rows holds more than 2 GB of text; score the file with a smaller --batch-size");
        }

        return (int)Math.Min(Math.Max(length * 2L, needed), Array.MaxLength);
    }

        public void EndRow(string? problem)
    {
        _rowEnd[_rows] = _textLength;
        if (problem is not null)
        {
            _problems ??= new string?[_lines.Length];
            _problems[_rows] = problem;
        }

        _rows++;
    }
}
