using Serving.Core.Inference;
using Serving.Core.Inference.Mlflow;

namespace Serving.Cli.Scoring;

/// <summary>
/// CSV rows as one character buffer with field offsets: no string per field, so a million rows of thirty features
/// cost no thirty million allocations. Cells are read with MLflow's text rules (<see cref="MlflowTextValues"/>).
/// </summary>
internal sealed class CsvRowBatch : RowBatch
{
    private char[] _text;
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

    public CsvRowBatch(int maxRows, int columns)
    {
        _rowFirstField = new int[maxRows];
        _rowFieldCount = new int[maxRows];
        _lines = new long[maxRows];
        _rowStart = new int[maxRows];
        _rowEnd = new int[maxRows];
        _rowQuoted = new bool[maxRows];
        _fieldStart = new int[maxRows * Math.Max(columns, 1)];
        _fieldLength = new int[_fieldStart.Length];
        _text = new char[maxRows * Math.Max(columns, 1) * 8];
    }

    public override int Rows => _rows;

    public int Capacity => _lines.Length;

    public int TextLength => _textLength;

    public override long LineOf(int row) => _lines[row];

    public override string? ProblemOf(int row) => _problems?[row];

    public int FieldCount(int row) => _rowFieldCount[row];

    /// <summary>
    /// The row as the file wrote it (without its line break), when that is its fields joined by commas: no field was
    /// quoted; empty when one was. Lets the output copy a plain row in one piece instead of field by field.
    /// </summary>
    public ReadOnlySpan<char> Plain(int row) => _rowQuoted[row] ? default : _text.AsSpan(_rowStart[row], _rowEnd[row] - _rowStart[row]);

    public bool IsPlain(int row) => !_rowQuoted[row];

    /// <summary>The field as text (unquoted); a short row's missing trailing fields are empty, as pandas reads them.</summary>
    public ReadOnlySpan<char> Field(int row, int column) =>
        column < _rowFieldCount[row] ? _text.AsSpan(_fieldStart[_rowFirstField[row] + column], _fieldLength[_rowFirstField[row] + column]) : [];

    public override bool TryReadSingle(int row, int column, out float value) => MlflowTextValues.TryReadSingle(Field(row, column), out value);

    public override bool TryReadDouble(int row, int column, out double value) => MlflowTextValues.TryReadDouble(Field(row, column), out value);

    public override bool TryReadInt64(int row, int column, out long value) => MlflowTextValues.TryReadInt64(Field(row, column), out value);

    public override bool TryReadUInt64(int row, int column, out ulong value) => MlflowTextValues.TryReadUInt64(Field(row, column), out value);

    public override bool TryReadBoolean(int row, int column, out bool value) => MlflowTextValues.TryReadBoolean(Field(row, column), out value);

    public override bool TryReadText(int row, int column, out string value)
    {
        value = Field(row, column).ToString();
        return true;
    }

    public override string Describe(int row, int column) =>
        column < _rowFieldCount[row] ? $"'{CallerText.Cut(Field(row, column).ToString(), 40)}'" : "no value (the row is short)";

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
    public void AppendSeparator() => Append(',');

    /// <summary>Appends characters to the field being read.</summary>
    public void Append(ReadOnlySpan<char> chars)
    {
        if (_textLength + chars.Length > _text.Length)
        {
            Array.Resize(ref _text, Math.Max(_text.Length * 2, _textLength + chars.Length));
        }

        chars.CopyTo(_text.AsSpan(_textLength));
        _textLength += chars.Length;
    }

    public void Append(char c)
    {
        if (_textLength == _text.Length)
        {
            Array.Resize(ref _text, _text.Length * 2);
        }

        _text[_textLength++] = c;
    }

    /// <summary>Closes the field that began at text offset <paramref name="start"/>.</summary>
    public void EndField(int start)
    {
        if (_fields == _fieldStart.Length)
        {
            Array.Resize(ref _fieldStart, _fields * 2);
            Array.Resize(ref _fieldLength, _fields * 2);
        }

        _fieldStart[_fields] = start;
        _fieldLength[_fields] = _textLength - start;
        _fields++;
        _rowFieldCount[_rows]++;
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
