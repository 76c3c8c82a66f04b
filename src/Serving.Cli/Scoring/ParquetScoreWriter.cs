using Parquet;
using Parquet.Schema;
using Serving.Core.Contracts;

namespace Serving.Cli.Scoring;

/// <summary>
/// Writes the output Parquet file, one row group per chunk: the input's columns (a Parquet input's with their own
/// types; a CSV input's as text, exactly as the file held them), then one non-null column per output value.
/// </summary>
internal sealed class ParquetScoreWriter : IScoreWriter
{
    private readonly FileStream _stream;
    private readonly ParquetWriter _writer;
    private readonly DataField[] _inputFields;
    private readonly DataField[] _outputFields;
    private readonly OutputColumn[] _outputs;

    private ParquetScoreWriter(FileStream stream, ParquetWriter writer, DataField[] inputFields, DataField[] outputFields, OutputColumn[] outputs)
    {
        _stream = stream;
        _writer = writer;
        _inputFields = inputFields;
        _outputFields = outputFields;
        _outputs = outputs;
    }

    /// <param name="inputFields">A Parquet input's fields; null for a CSV input, whose columns are written as text.</param>
    public static async Task<ParquetScoreWriter> CreateAsync(
        string path, IReadOnlyList<string> inputColumns, IReadOnlyList<DataField>? inputFields, OutputColumn[] outputs, CancellationToken cancellationToken, FileMode mode = FileMode.CreateNew)
    {
        var inputs = inputFields is null
            ? inputColumns.Select(name => new DataField(name, typeof(string), isNullable: true)).ToArray()
            : inputFields.Select(f => (DataField)f.Clone()).ToArray();
        var outputFields = outputs.Select(o => new DataField(o.Name, ClrTypeOf(o.DataType), isNullable: false)).ToArray();
        var schema = new ParquetSchema([.. inputs, .. outputFields]);
        var stream = TemporaryOutput.Open(path, mode, FileAccess.ReadWrite, 1 << 16);
        try
        {
            // Parquet.Net notes where each column chunk starts by the stream's position: a pipe has none.
            if (!stream.CanSeek)
            {
                throw new ScoringException($"'{path}' is a pipe or terminal; a Parquet output must be a file (or /dev/null): write CSV to a stream");
            }

            var writer = await ParquetWriter.CreateAsync(schema, stream, null, false, cancellationToken).ConfigureAwait(false);
            return new ParquetScoreWriter(stream, writer, [.. schema.DataFields.Take(inputs.Length)], [.. schema.DataFields.Skip(inputs.Length)], outputs);
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Parquet.Net writes a row group through the one file writer; nothing is done ahead.</summary>
    public ScoredBatch Prepare(ScoredBatch batch) => batch;

    public async ValueTask WriteAsync(ScoredBatch batch, CancellationToken cancellationToken)
    {
        if (batch.Kept.Length == 0)
        {
            return;
        }

        using var group = _writer.CreateRowGroup();
        for (var c = 0; c < _inputFields.Length; c++)
        {
            var field = _inputFields[c];
            if (batch.Rows is CsvRowBatch csv)
            {
                await group.WriteAsync(field, batch.Kept.Select(row => csv.Field(row, c)).ToArray()).ConfigureAwait(false);
            }
            else
            {
                var parquet = (ParquetRowBatch)batch.Rows;
                await WriteKeptAsync(group, field, parquet.Columns[c], parquet.Offset, batch.Kept, cancellationToken).ConfigureAwait(false);
            }
        }

        for (var o = 0; o < _outputs.Length; o++)
        {
            await WriteOutputAsync(group, _outputFields[o], _outputs[o], batch.Outputs[_outputs[o].Output], batch.Kept.Length, cancellationToken).ConfigureAwait(false);
        }

        group.CompleteValidate();
    }

    public ValueTask CompleteAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await _writer.DisposeAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
    }

    private static Type ClrTypeOf(TensorDataType type) => type switch
    {
        TensorDataType.FP32 or TensorDataType.FP16 or TensorDataType.BF16 => typeof(float),
        TensorDataType.FP64 => typeof(double),
        TensorDataType.Bool => typeof(bool),
        TensorDataType.Bytes => typeof(string),
        TensorDataType.UInt64 => typeof(ulong),
        TensorDataType.Int8 or TensorDataType.UInt8 or TensorDataType.Int16 or TensorDataType.UInt16 or TensorDataType.Int32 => typeof(int),
        _ => typeof(long),
    };

    private static async Task WriteOutputAsync(ParquetRowGroupWriter group, DataField field, OutputColumn column, Tensor tensor, int rows, CancellationToken cancellationToken)
    {
        var type = field.ClrType;
        if (type == typeof(string))
        {
            await group.WriteAsync(field, Enumerable.Range(0, rows).Select(r => OutputValues.Text(tensor, column, r)).ToArray()).ConfigureAwait(false);
        }
        else if (type == typeof(float))
        {
            await WriteAsync(group, field, Values(rows, r => OutputValues.ReadSingle(tensor, column, r)), cancellationToken).ConfigureAwait(false);
        }
        else if (type == typeof(double))
        {
            await WriteAsync(group, field, Values(rows, r => tensor.AsSpan<double>()[OutputValues.Index(column, r)]), cancellationToken).ConfigureAwait(false);
        }
        else if (type == typeof(bool))
        {
            await WriteAsync(group, field, Values(rows, r => tensor.Data[OutputValues.Index(column, r)] != 0), cancellationToken).ConfigureAwait(false);
        }
        else if (type == typeof(ulong))
        {
            await WriteAsync(group, field, Values(rows, r => tensor.AsSpan<ulong>()[OutputValues.Index(column, r)]), cancellationToken).ConfigureAwait(false);
        }
        else if (type == typeof(int))
        {
            await WriteAsync(group, field, Values(rows, r => (int)OutputValues.ReadInt64(tensor, column.DataType, OutputValues.Index(column, r))), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await WriteAsync(group, field, Values(rows, r => OutputValues.ReadInt64(tensor, column.DataType, OutputValues.Index(column, r))), cancellationToken).ConfigureAwait(false);
        }
    }

    private static T[] Values<T>(int rows, Func<int, T> read)
    {
        var values = new T[rows];
        for (var r = 0; r < rows; r++)
        {
            values[r] = read(r);
        }

        return values;
    }

    private static Task WriteAsync<T>(ParquetRowGroupWriter group, DataField field, T[] values, CancellationToken cancellationToken)
        where T : struct =>
        group.WriteAsync(field, (ReadOnlyMemory<T>)values, null, null, cancellationToken);

    /// <summary>Writes the kept rows of a column read from the input, nulls and all, under the input's own field.</summary>
    private static Task WriteKeptAsync(ParquetRowGroupWriter group, DataField field, Array column, int offset, int[] kept, CancellationToken cancellationToken) => column switch
    {
        string[] a => group.WriteAsync(field, kept.Select(r => a[offset + r]).ToArray()),
        bool?[] a => WriteKeptAsync(group, field, a, offset, kept, cancellationToken),
        sbyte?[] a => WriteKeptAsync(group, field, a, offset, kept, cancellationToken),
        byte?[] a => WriteKeptAsync(group, field, a, offset, kept, cancellationToken),
        short?[] a => WriteKeptAsync(group, field, a, offset, kept, cancellationToken),
        ushort?[] a => WriteKeptAsync(group, field, a, offset, kept, cancellationToken),
        int?[] a => WriteKeptAsync(group, field, a, offset, kept, cancellationToken),
        uint?[] a => WriteKeptAsync(group, field, a, offset, kept, cancellationToken),
        long?[] a => WriteKeptAsync(group, field, a, offset, kept, cancellationToken),
        ulong?[] a => WriteKeptAsync(group, field, a, offset, kept, cancellationToken),
        float?[] a => WriteKeptAsync(group, field, a, offset, kept, cancellationToken),
        double?[] a => WriteKeptAsync(group, field, a, offset, kept, cancellationToken),
        decimal?[] a => WriteKeptAsync(group, field, a, offset, kept, cancellationToken),
        DateTime?[] a => WriteKeptAsync(group, field, a, offset, kept, cancellationToken),
        _ => throw new InvalidOperationException($"unexpected column array {column.GetType().Name}"),
    };

    private static Task WriteKeptAsync<T>(ParquetRowGroupWriter group, DataField field, T?[] column, int offset, int[] kept, CancellationToken cancellationToken)
        where T : struct
    {
        if (field.IsNullable)
        {
            var values = new T?[kept.Length];
            for (var k = 0; k < kept.Length; k++)
            {
                values[k] = column[offset + kept[k]];
            }

            return group.WriteAsync(field, (ReadOnlyMemory<T?>)values, null, null, cancellationToken);
        }

        // A required column holds no nulls; Parquet wants it written without the nullable wrapper.
        var required = new T[kept.Length];
        for (var k = 0; k < kept.Length; k++)
        {
            required[k] = column[offset + kept[k]].GetValueOrDefault();
        }

        return group.WriteAsync(field, (ReadOnlyMemory<T>)required, null, null, cancellationToken);
    }
}
