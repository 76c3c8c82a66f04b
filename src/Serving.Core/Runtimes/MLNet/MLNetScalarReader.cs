using System.Runtime.InteropServices;
using Microsoft.ML;
using Serving.Core.Contracts;

namespace Serving.Core.Runtimes.MLNet;

/// <summary>Reads a scalar numeric, key or boolean column into an [N] tensor.</summary>
internal sealed class MLNetScalarReader<T> : MLNetOutputReader
    where T : unmanaged
{
    private readonly ValueGetter<T> _getter;
    private byte[] _data = [];
    private int _rows;

    public MLNetScalarReader(MLNetColumn column, DataViewRow output, DataViewSchema.Column outputColumn)
        : base(column) => _getter = output.GetGetter<T>(outputColumn);

    public override void Begin(int rows)
    {
        _rows = rows;
        _data = new byte[rows * Column.DataType.ElementSize()];
    }

    public override void Read(int row)
    {
        T value = default;
        _getter(ref value);
        MemoryMarshal.Cast<byte, T>(_data.AsSpan())[row] = value;
    }

    public override Tensor End() => Tensor.FromBytes(Column.Name, Column.DataType, [_rows], _data);
}
