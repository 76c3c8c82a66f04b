using Serving.Core.Contracts;

namespace Serving.Core.Packaging;

/// <summary>Builds a model's input tensors (under the artifact's names) from rows of a training CSV.</summary>
public static class FeatureTensors
{
    /// <summary>
    /// The inputs for rows [<paramref name="start"/>, <paramref name="start"/> + <paramref name="count"/>): an input
    /// with <see cref="TensorSpec.Features"/> gets one row of k features per data row; any other input gets the
    /// column named like it.
    /// </summary>
    public static IReadOnlyList<Tensor> ForRows(IReadOnlyList<TensorSpec> inputs, CsvDataSet data, int start, int count)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(data);
        var tensors = new List<Tensor>(inputs.Count);
        foreach (var input in inputs)
        {
            var columns = (input.Features ?? [input.Name]).Select(data.Column).ToArray();
            var width = columns.Length;
            var values = new double[count * width];
            for (var r = 0; r < count; r++)
            {
                for (var j = 0; j < width; j++)
                {
                    values[(r * width) + j] = columns[j][start + r];
                }
            }

            tensors.Add(Create(input, ConcreteShape(input, count, width), values));
        }

        return tensors;
    }

    private static long[] ConcreteShape(TensorSpec input, int rows, int width)
    {
        var shape = input.Shape.ToArray();
        if (shape.Length == 0)
        {
            return [rows];
        }

        shape[0] = rows;
        for (var i = 1; i < shape.Length; i++)
        {
            if (shape[i] < 0)
            {
                shape[i] = width;
            }
        }

        var perRow = shape.Skip(1).Aggregate(1L, (a, b) => a * b);
        return perRow == width
            ? shape
            : throw new PackagingException($"input '{input.Name}' has shape [{string.Join(",", input.Shape)}] but {width} feature(s) map to it");
    }

    private static Tensor Create(TensorSpec input, long[] shape, double[] values)
    {
        var name = input.SourceName;
        var type = TensorDataTypes.Parse(input.Datatype, $"input '{input.Name}'");
        return type switch
        {
            TensorDataType.FP32 => Tensor.FromValues<float>(name, type, shape, values.Select(v => (float)v).ToArray()),
            TensorDataType.FP64 => Tensor.FromValues<double>(name, type, shape, values),
            TensorDataType.Int64 => Tensor.FromValues<long>(name, type, shape, values.Select(v => (long)v).ToArray()),
            TensorDataType.Int32 => Tensor.FromValues<int>(name, type, shape, values.Select(v => (int)v).ToArray()),
            _ => throw new PackagingException($"input '{input.Name}' is {input.Datatype}; packaging can feed FP32, FP64, INT64 and INT32 inputs from a CSV"),
        };
    }
}
