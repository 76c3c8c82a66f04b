using Microsoft.ML;
using Microsoft.ML.Data;
using Serving.Core.Contracts;

namespace Serving.Core.Runtimes.MLNet;

/// <summary>Reads a text vector column into an [N,k] BYTES tensor of UTF-8 strings.</summary>
internal sealed class MLNetTextVectorReader : MLNetOutputReader
{
    private readonly ValueGetter<VBuffer<ReadOnlyMemory<char>>> _getter;
    private VBuffer<ReadOnlyMemory<char>> _buffer;
    private byte[][] _elements = [];
    private int _rows;
    private int _width;

    public MLNetTextVectorReader(MLNetColumn column, DataViewRow output, DataViewSchema.Column outputColumn)
        : base(column) => _getter = output.GetGetter<VBuffer<ReadOnlyMemory<char>>>(outputColumn);

    public override void Begin(int rows)
    {
        _rows = rows;
        _width = Column.VectorSize;
        _elements = new byte[rows * _width][];
    }

    public override void Read(int row)
    {
        _getter(ref _buffer);
        if (row == 0 && Column.VectorSize == 0)
        {
            _width = _buffer.Length;
            _elements = new byte[_rows * _width][];
        }

        if (_buffer.Length != _width)
        {
            throw RaggedVector(Column.Name, _width, _buffer.Length);
        }

        var i = 0;
        foreach (var value in _buffer.DenseValues())
        {
            _elements[(row * _width) + i++] = MLNetTextReader.Encode(value.Span);
        }
    }

    public override Tensor End() => Tensor.FromElements(Column.Name, [_rows, _width], _elements);
}
