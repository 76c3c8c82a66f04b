using Serving.Core.Contracts;
using Serving.Core.Registry;

namespace Serving.Cli.Scoring;

/// <summary>
/// Names the columns appended to each row, one per output value: an output with one value per row keeps its own name
/// (<c>label</c>, <c>prediction</c>); a wider one gets one column per value, <c>&lt;output&gt;_&lt;class&gt;</c> when the
/// manifest lists as many classes as the output has values (<c>probability_setosa</c>), else <c>&lt;output&gt;_&lt;j&gt;</c>.
/// </summary>
internal static class OutputColumns
{
    /// <param name="generation">The version that scores.</param>
    /// <param name="sample">Outputs of a first chunk, for widths the signature leaves variable; null when no row was scored.</param>
    /// <param name="inputColumns">The input's columns, which outputs must not shadow.</param>
    public static OutputColumn[] From(ModelGeneration generation, Tensor[]? sample, IReadOnlyList<string> inputColumns)
    {
        var classes = generation.Manifest.Signature.Classes;
        var columns = new List<OutputColumn>();
        var outputs = generation.Binding.Outputs;
        for (var o = 0; o < outputs.Length; o++)
        {
            var width = Width(outputs[o].Shape, sample?[o].Shape);
            for (var j = 0; j < width; j++)
            {
                var name = width == 1 ? outputs[o].Spec.Name
                    : classes is not null && classes.Count == width ? $"{outputs[o].Spec.Name}_{classes[j]}"
                    : $"{outputs[o].Spec.Name}_{j}";
                columns.Add(new OutputColumn(name, o, j, width, outputs[o].DataType));
            }
        }

        var taken = inputColumns.ToHashSet(StringComparer.Ordinal);
        foreach (var column in columns)
        {
            if (!taken.Add(column.Name))
            {
                throw new ScoringException(
                    $"the input already has a column '{column.Name}', which serving score appends for the model's output; rename or drop that column");
            }
        }

        return [.. columns];
    }

    /// <summary>Values per row: the product of the dimensions after the batch one, from the actual tensor where the signature says -1.</summary>
    private static int Width(long[] signature, long[]? actual)
    {
        long width = 1;
        for (var d = 1; d < signature.Length; d++)
        {
            var dim = signature[d] >= 0 ? signature[d] : actual is not null && d < actual.Length ? actual[d] : 1;
            width *= dim;
        }

        return checked((int)width);
    }
}
