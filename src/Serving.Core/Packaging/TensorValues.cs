using Serving.Core.Contracts;

namespace Serving.Core.Packaging;

/// <summary>Reads numeric output tensors as doubles, row by row.</summary>
public static class TensorValues
{
    /// <summary>Every element of a numeric tensor, widened to double.</summary>
    public static double[] ToDoubles(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return tensor.DataType switch
        {
            TensorDataType.FP32 => Widen(tensor.AsSpan<float>()),
            TensorDataType.FP64 => tensor.AsSpan<double>().ToArray(),
            TensorDataType.Int64 => Widen(tensor.AsSpan<long>()),
            TensorDataType.Int32 => Widen(tensor.AsSpan<int>()),
            TensorDataType.UInt32 => Widen(tensor.AsSpan<uint>()),
            TensorDataType.UInt64 => Widen(tensor.AsSpan<ulong>()),
            TensorDataType.Bool or TensorDataType.UInt8 => Widen(tensor.AsSpan<byte>()),
            _ => throw new PackagingException($"output '{tensor.Name}' is {tensor.DataType.ToProtocolName()}; packaging reads numeric outputs only"),
        };
    }

    /// <summary>One value per row: the value itself for one element a row, else the index of the largest element.</summary>
    public static double[] PerRow(Tensor tensor, int rows, bool thresholdSingleProbability)
    {
        var all = ToDoubles(tensor);
        if (rows == 0)
        {
            return [];
        }

        var width = all.Length / rows;
        var result = new double[rows];
        for (var r = 0; r < rows; r++)
        {
            var row = all.AsSpan(r * width, width);
            result[r] = width == 1
                ? (thresholdSingleProbability ? (row[0] >= 0.5 ? 1 : 0) : row[0])
                : ArgMax(row);
        }

        return result;
    }

    private static double[] Widen<T>(ReadOnlySpan<T> values)
        where T : unmanaged
    {
        var result = new double[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            result[i] = Convert.ToDouble(values[i], System.Globalization.CultureInfo.InvariantCulture);
        }

        return result;
    }

    private static int ArgMax(ReadOnlySpan<double> row)
    {
        var best = 0;
        for (var i = 1; i < row.Length; i++)
        {
            if (row[i] > row[best])
            {
                best = i;
            }
        }

        return best;
    }
}
