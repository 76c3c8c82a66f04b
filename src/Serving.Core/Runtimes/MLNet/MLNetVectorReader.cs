using System.Runtime.InteropServices;
using Microsoft.ML;
using Microsoft.ML.Data;
using Serving.Core.Contracts;

namespace Serving.Core.Runtimes.MLNet;

/// <summary>Reads a vector column (dense or sparse) into an [N,k] tensor.</summary>
internal sealed class MLNetVectorReader<T> : MLNetOutputReader
    where T : unmanaged
{
    private readonly ValueGetter<VBuffer<T>> _getter;
    private VBuffer<T> _buffer;
    private byte[] _data = [];
    private int _rows;
    private int _width;

    public MLNetVectorReader(MLNetColumn column, DataViewRow output, DataViewSchema.Column outputColumn)
        : base(column) => _getter = output.GetGetter<VBuffer<T>>(outputColumn);

    public override void Begin(int rows)
    {
        _rows = rows;
        _width = Column.VectorSize;
        _data = rows == 0 || _width == 0 ? [] : new byte[rows * _width * Column.DataType.ElementSize()];
    }

    public override void Read(int row)
    {
        _getter(ref _buffer);
        if (row == 0 && Column.VectorSize == 0)
        {
            // A variable-size vector: the first row fixes the width of the tensor.
            _width = _buffer.Length;
            _data = new byte[_rows * _width * Column.DataType.ElementSize()];
        }

        if (_buffer.Length != _width)
        {
            throw RaggedVector(Column.Name, _width, _buffer.Length);
        }

        _buffer.CopyTo(MemoryMarshal.Cast<byte, T>(_data.AsSpan()).Slice(row * _width, _width));
    }

    public override Tensor End() => Tensor.FromBytes(Column.Name, Column.DataType, [_rows, _width], _data);
}
