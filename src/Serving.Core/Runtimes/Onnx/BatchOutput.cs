using Microsoft.ML.OnnxRuntime.Tensors;
using Serving.Core.Contracts;
using Tensor = Serving.Core.Contracts.Tensor;

namespace Serving.Core.Runtimes.Onnx;

/// <summary>
/// An output whose shape follows the input batch: [-1, d1, d2, ...] with every other dimension fixed, so its
/// buffer can be allocated before the run.
/// </summary>
internal sealed class BatchOutput
{
    private readonly long[] _tail;
    private readonly long _elementsPerRow;
    private readonly long[] _oneRow;

    private BatchOutput(TensorDataType dataType, TensorElementType elementType, long[] tail)
    {
        DataType = dataType;
        ElementType = elementType;
        _tail = tail;
        _elementsPerRow = tail.Aggregate(1L, (a, b) => a * b);
        _oneRow = [1, .. tail];
    }

    public TensorDataType DataType { get; }

    public TensorElementType ElementType { get; }

    /// <summary>Elements in one row (the product of the fixed dimensions).</summary>
    public long ElementsPerRow => _elementsPerRow;

    /// <summary>The output's shape for <paramref name="rows"/> rows; never written to.</summary>
    public long[] Shape(long rows) => rows == 1 ? _oneRow : [rows, .. _tail];

    /// <summary>The outputs of <paramref name="outputs"/> that can be preallocated, by name.</summary>
    public static Dictionary<string, BatchOutput> Find(IReadOnlyList<TensorSpec> outputs)
    {
        var found = new Dictionary<string, BatchOutput>(StringComparer.Ordinal);
        foreach (var output in outputs)
        {
            if (output.Shape.Count == 0 || output.Shape[0] != -1 || output.Shape.Skip(1).Any(d => d <= 0)
                || !TensorDataTypes.TryParse(output.Datatype, out var type) || type == TensorDataType.Bytes)
            {
                continue;
            }

            found[output.Name] = new BatchOutput(type, OnnxTypeMap.ToElementType(type), [.. output.Shape.Skip(1)]);
        }

        return found;
    }

    /// <summary>A zeroed tensor of <paramref name="rows"/> rows for ONNX Runtime to write into.</summary>
    /// <remarks>A one-row answer (the usual request) shares one shape array: shapes are never written to once made.</remarks>
    public Tensor Allocate(string name, long rows) =>
        Tensor.FromBytes(name, DataType, Shape(rows), new byte[checked(rows * _elementsPerRow * DataType.ElementSize())]);
}
