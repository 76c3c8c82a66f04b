using Parquet;
using Parquet.Schema;
using Serving.Core.Contracts;

namespace Serving.Cli.Scoring;

/// <summary>
/// Streams a Parquet file one row group at a time, handing it out in chunks. Memory is bounded by the largest row
/// group (Parquet reads a column chunk whole), not by the file; <c>serving score</c>'s own output uses row groups
/// of one chunk each.
/// </summary>
internal sealed class ParquetTableReader : ITableReader
{
    private readonly FileStream _stream;
    private readonly ParquetReader _reader;
    private readonly DataField[] _fields;
    private readonly long _totalRows;
    private int _nextGroup;
    private Array[]? _group;
    private int _groupRows;
    private int _groupOffset;
    private long _rowsHandedOut;

    private readonly string _path;

    private ParquetTableReader(string path, FileStream stream, ParquetReader reader, DataField[] fields)
    {
        _path = path;
        _stream = stream;
        _reader = reader;
        _fields = fields;
        Columns = [.. fields.Select(f => f.Name)];
        _totalRows = reader.RowGroups.Sum(g => g.RowCount);
    }

    public IReadOnlyList<string> Columns { get; }

    /// <summary>The file's fields, in file order, for an output that keeps their types.</summary>
    public IReadOnlyList<DataField> Fields => _fields;

    public double Progress => _totalRows == 0 ? 1 : (double)_rowsHandedOut / _totalRows;

    public static async Task<ParquetTableReader> OpenAsync(string path, CancellationToken cancellationToken)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.RandomAccess);
        ParquetReader? reader = null;
        try
        {
            reader = await ParquetReader.CreateAsync(stream, null, leaveStreamOpen: true, cancellationToken).ConfigureAwait(false);
            return new ParquetTableReader(path, stream, reader, FieldsOf(path, reader));
        }
        catch (Exception ex)
        {
            if (reader is not null)
            {
                await reader.DisposeAsync().ConfigureAwait(false);
            }

            await stream.DisposeAsync().ConfigureAwait(false);
            if (IsDamage(ex))
            {
                throw NotReadable(path, where: null, ex);
            }

            throw;
        }
    }

    private static DataField[] FieldsOf(string path, ParquetReader reader)
    {
        var fields = new List<DataField>();
        foreach (var field in reader.Schema.Fields)
        {
            // Nested columns (lists, maps, structs) are not a table of rows x features.
            if (field is not DataField data || data.IsArray || !(ParquetCells.Supported.Contains(data.ClrType) || IsText(data)))
            {
                throw new ScoringException(
                    $"'{path}': column '{field.Name}' is {Describe(field)}; serving score reads flat columns of numbers, booleans, strings and timestamps");
            }

            fields.Add(data);
        }

        return [.. fields];
    }

    /// <summary>
    /// Whether an exception out of Parquet.Net means the file is damaged. The file is the caller's input, so whatever a
    /// corrupt footer, page header or compressed page makes the library throw (Thrift protocol errors, unknown page
    /// types, impossible lengths, arrays too large to allocate, overflows) is the file's fault; only cancellation is not.
    /// </summary>
    private static bool IsDamage(Exception ex) => ex is not (OperationCanceledException or ScoringException);

    private static ScoringException NotReadable(string path, string? where, Exception ex) =>
        new($"'{path}' is not a Parquet file this tool can read: {(where is null ? string.Empty : where + ": ")}{CallerText.Cut(ex.Message, 200)}", ex);

    public async ValueTask<RowBatch?> ReadAsync(int maxRows, CancellationToken cancellationToken)
    {
        while (_group is null || _groupOffset == _groupRows)
        {
            if (_nextGroup == _reader.RowGroupCount)
            {
                return null;
            }

            await LoadGroupAsync(_nextGroup++, cancellationToken).ConfigureAwait(false);
        }

        var rows = Math.Min(maxRows, _groupRows - _groupOffset);
        var batch = new ParquetRowBatch(_group, _groupOffset, rows, _rowsHandedOut + 1);
        _groupOffset += rows;
        _rowsHandedOut += rows;
        return batch;
    }

    /// <summary>A Parquet chunk is a view of its row group's columns; there is nothing to reuse.</summary>
    public void Recycle(RowBatch batch)
    {
    }

    public async ValueTask DisposeAsync()
    {
        await _reader.DisposeAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
    }

    private async Task LoadGroupAsync(int index, CancellationToken cancellationToken)
    {
        Array[] columns;
        int rows;
        try
        {
            using var group = _reader.OpenRowGroupReader(index);
            rows = checked((int)group.RowCount);
            columns = new Array[_fields.Length];
            for (var c = 0; c < _fields.Length; c++)
            {
                columns[c] = await ReadColumnAsync(group, _fields[c], rows, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (IsDamage(ex))
        {
            throw NotReadable(_path, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"row group {index}"), ex);
        }

        _group = columns;
        _groupRows = rows;
        _groupOffset = 0;
    }

    private static async Task<Array> ReadColumnAsync(ParquetRowGroupReader group, DataField field, int rows, CancellationToken cancellationToken)
    {
        var type = field.ClrType;
        if (IsText(field))
        {
            var text = new string?[rows];
            await group.ReadAsync(field, text.AsMemory(), null, cancellationToken).ConfigureAwait(false);
            return text;
        }

        return type switch
        {
            _ when type == typeof(bool) => await ReadAsync<bool>(group, field, rows, cancellationToken).ConfigureAwait(false),
            _ when type == typeof(sbyte) => await ReadAsync<sbyte>(group, field, rows, cancellationToken).ConfigureAwait(false),
            _ when type == typeof(byte) => await ReadAsync<byte>(group, field, rows, cancellationToken).ConfigureAwait(false),
            _ when type == typeof(short) => await ReadAsync<short>(group, field, rows, cancellationToken).ConfigureAwait(false),
            _ when type == typeof(ushort) => await ReadAsync<ushort>(group, field, rows, cancellationToken).ConfigureAwait(false),
            _ when type == typeof(int) => await ReadAsync<int>(group, field, rows, cancellationToken).ConfigureAwait(false),
            _ when type == typeof(uint) => await ReadAsync<uint>(group, field, rows, cancellationToken).ConfigureAwait(false),
            _ when type == typeof(long) => await ReadAsync<long>(group, field, rows, cancellationToken).ConfigureAwait(false),
            _ when type == typeof(ulong) => await ReadAsync<ulong>(group, field, rows, cancellationToken).ConfigureAwait(false),
            _ when type == typeof(float) => await ReadAsync<float>(group, field, rows, cancellationToken).ConfigureAwait(false),
            _ when type == typeof(double) => await ReadAsync<double>(group, field, rows, cancellationToken).ConfigureAwait(false),
            _ when type == typeof(decimal) => await ReadAsync<decimal>(group, field, rows, cancellationToken).ConfigureAwait(false),
            _ => await ReadAsync<DateTime>(group, field, rows, cancellationToken).ConfigureAwait(false),
        };
    }

    private static async Task<Array> ReadAsync<T>(ParquetRowGroupReader group, DataField field, int rows, CancellationToken cancellationToken)
        where T : struct
    {
        var values = new T?[rows];
        await group.ReadAsync(field, values.AsMemory(), null, cancellationToken).ConfigureAwait(false);
        return values;
    }

    /// <summary>A UTF-8 string column, which Parquet.Net describes as <c>string</c> or as <c>ReadOnlyMemory&lt;char&gt;</c>.</summary>
    private static bool IsText(DataField field) => field.ClrType == typeof(string) || field.ClrType == typeof(ReadOnlyMemory<char>);

    private static string Describe(Field field) =>
        field is DataField data ? (data.IsArray ? $"a repeated {TypeName(data.ClrType)}" : $"of type {TypeName(data.ClrType)}") : $"a nested {field.SchemaType} column";

    // Parquet.Net gives binary columns as ReadOnlyMemory<byte> (whose CLR name, ReadOnlyMemory`1, says nothing to a
    // data engineer) and byte[]; both are Parquet's BYTE_ARRAY without a string annotation.
    private static string TypeName(Type type) =>
        type == typeof(ReadOnlyMemory<byte>) || type == typeof(byte[]) ? "binary (BYTE_ARRAY, not UTF-8 text)" : type.Name;
}
