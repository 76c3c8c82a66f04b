using Serving.Core.Contracts;

namespace Serving.Core.Tests.Runtimes.Onnx;

/// <summary>Comparisons of canonical tensors.</summary>
internal static class TensorAssert
{
    /// <summary>Same name, datatype, shape and exactly the same bytes or elements.</summary>
    public static void Identical(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(expected.DataType, actual.DataType);
        Assert.Equal(expected.Shape, actual.Shape);
        if (expected.DataType == TensorDataType.Bytes)
        {
            Assert.Equal(expected.Elements!.Select(Convert.ToHexString), actual.Elements!.Select(Convert.ToHexString));
        }
        else
        {
            Assert.Equal(expected.Data, actual.Data);
        }
    }

    /// <summary>FP32 tensors equal within <paramref name="tolerance"/>, element by element.</summary>
    public static void Close(Tensor expected, Tensor actual, float tolerance = 1e-5f)
    {
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(TensorDataType.FP32, actual.DataType);
        Assert.Equal(expected.Shape, actual.Shape);
        var want = expected.AsSpan<float>();
        var got = actual.AsSpan<float>();
        Assert.Equal(want.Length, got.Length);
        for (var i = 0; i < want.Length; i++)
        {
            Assert.True(Math.Abs(want[i] - got[i]) <= tolerance, $"element {i}: expected {want[i]}, got {got[i]}");
        }
    }
}
