using Serving.Core.Contracts;
using Serving.Core.Packaging;

namespace Serving.Core.Inference.Mlflow;

/// <summary>One model input as MLflow's column matching sees it: a run of <see cref="Width"/> features.</summary>
public sealed class MlflowInputSlot
{
    public MlflowInputSlot(TensorSpec spec, TensorDataType dataType, int offset, int width, long[] trailingShape)
    {
        Spec = spec;
        DataType = dataType;
        Offset = offset;
        Width = width;
        TrailingShape = trailingShape;
    }

    public TensorSpec Spec { get; }

    public TensorDataType DataType { get; }

    /// <summary>Index of this input's first feature in the layout's flat feature list.</summary>
    public int Offset { get; }

    /// <summary>Values per row.</summary>
    public int Width { get; }

    /// <summary>The shape after the batch dimension: empty for an [N] input, [k] for [N,k].</summary>
    public long[] TrailingShape { get; }

    /// <summary>The concrete shape for a number of rows.</summary>
    public long[] ShapeFor(int rows)
    {
        var shape = new long[TrailingShape.Length + 1];
        shape[0] = rows;
        TrailingShape.CopyTo(shape, 1);
        return shape;
    }
}
