using System.Text;
using Microsoft.ML;
using Serving.Core.Contracts;

namespace Serving.Core.Runtimes.MLNet;

/// <summary>Reads a text column into an [N] BYTES tensor of UTF-8 strings.</summary>
internal sealed class MLNetTextReader : MLNetOutputReader
{
    private readonly ValueGetter<ReadOnlyMemory<char>> _getter;
    private byte[][] _elements = [];

    public MLNetTextReader(MLNetColumn column, DataViewRow output, DataViewSchema.Column outputColumn)
        : base(column) => _getter = output.GetGetter<ReadOnlyMemory<char>>(outputColumn);

    public override void Begin(int rows) => _elements = new byte[rows][];

    public override void Read(int row)
    {
        ReadOnlyMemory<char> value = default;
        _getter(ref value);
        _elements[row] = MLNetTextReader.Encode(value.Span);
    }

    public override Tensor End() => Tensor.FromElements(Column.Name, [_elements.Length], _elements);

    internal static byte[] Encode(ReadOnlySpan<char> text)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(text)];
        Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }
}
