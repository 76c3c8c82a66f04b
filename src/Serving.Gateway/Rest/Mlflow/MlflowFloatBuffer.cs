using System.Buffers;

namespace Serving.Gateway.Rest.Mlflow;

/// <summary>A growable pooled float buffer, one row of features at a time.</summary>
internal struct MlflowFloatBuffer : IDisposable
{
    private float[] buffer;
    private int length;

    public MlflowFloatBuffer(int capacity)
    {
        buffer = ArrayPool<float>.Shared.Rent(Math.Max(capacity, 16));
        length = 0;
    }

    public readonly ReadOnlySpan<float> Written => buffer.AsSpan(0, length);

    public Span<float> AppendRow(int width)
    {
        if (length + width > buffer.Length)
        {
            var larger = ArrayPool<float>.Shared.Rent(Math.Max(buffer.Length * 2, length + width));
            buffer.AsSpan(0, length).CopyTo(larger);
            ArrayPool<float>.Shared.Return(buffer);
            buffer = larger;
        }

        var row = buffer.AsSpan(length, width);
        length += width;
        return row;
    }

    public readonly void Dispose() => ArrayPool<float>.Shared.Return(buffer);
}
