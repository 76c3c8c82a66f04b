using Serving.Core.Contracts;

namespace Serving.Core.Monitoring.Shadow;

/// <summary>Counts the rows on which two answers give the same prediction.</summary>
internal static class PredictionAgreement
{
    // Floats that differ only in the last bits (another graph optimisation, another kernel) still agree.
    private const double Tolerance = 1e-5;

    /// <summary>Rows compared and rows that agree on <paramref name="output"/>; (0, 0) when either lacks it.</summary>
    public static (long Rows, long Agreeing) Count(InferenceResponse primary, IReadOnlyList<Tensor> shadow, string output)
    {
        var a = primary.Outputs.FirstOrDefault(o => o.Name == output);
        var b = shadow.FirstOrDefault(o => o.Name == output);
        if (a is null || b is null || a.DataType != b.DataType || !a.Shape.AsSpan().SequenceEqual(b.Shape) || a.Shape.Length == 0)
        {
            return (0, 0);
        }

        var rows = a.Shape[0];
        if (rows == 0 || a.DataType == TensorDataType.Bytes)
        {
            return (0, 0);
        }

        var perRow = a.ElementCount / rows;
        if (ToDoubles(a) is not { } left || ToDoubles(b) is not { } right)
        {
            return (0, 0);
        }

        long agreeing = 0;
        for (var row = 0; row < rows; row++)
        {
            var same = true;
            for (var i = row * perRow; same && i < (row + 1) * perRow; i++)
            {
                same = Math.Abs(left[i] - right[i]) <= Tolerance * Math.Max(1, Math.Abs(left[i]));
            }

            agreeing += same ? 1 : 0;
        }

        return (rows, agreeing);
    }

    private static double[]? ToDoubles(Tensor tensor) => tensor.DataType switch
    {
        TensorDataType.FP32 => [.. tensor.AsSpan<float>().ToArray().Select(v => (double)v)],
        TensorDataType.FP64 => tensor.AsSpan<double>().ToArray(),
        TensorDataType.Int64 => [.. tensor.AsSpan<long>().ToArray().Select(v => (double)v)],
        TensorDataType.Int32 => [.. tensor.AsSpan<int>().ToArray().Select(v => (double)v)],
        TensorDataType.UInt32 => [.. tensor.AsSpan<uint>().ToArray().Select(v => (double)v)],
        TensorDataType.Bool or TensorDataType.UInt8 => [.. tensor.Data.Select(v => (double)v)],
        _ => null,
    };
}
