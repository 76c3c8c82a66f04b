using System.Buffers.Text;
using System.Numerics;
using System.Text;
using Serving.Core.Contracts;

namespace Serving.Core.Rollouts;

/// <summary>
/// How one model's predictions are binned, shared by all its versions so stable and canary distributions line
/// up bin by bin. Classifiers count classes (labels, class names, or the argmax of probabilities); regressors
/// count values between the edges of the baseline's prediction quantiles. Bins are few and fixed: memory stays
/// bounded whatever the model outputs.
/// </summary>
internal sealed class PredictionBins
{
    /// <summary>Most bins a model gets; for classifiers the last one holds every class beyond the others.</summary>
    public const int MaxBins = 32;

    // Counting is on the request path: a huge batch is sampled by its first rows rather than walked whole.
    private const int MaxRowsPerRequest = 256;

    // Without a baseline, a signed, roughly logarithmic scale: coarse, but it still sees a sign flip or a change of
    // magnitude, and it never mistakes ordinary noise for a shift.
    private static readonly double[] FallbackEdges =
        [-1e4, -1e3, -100, -10, -1, -0.5, -0.1, 0, 0.1, 0.25, 0.5, 0.75, 1, 2, 5, 10, 100, 1e3, 1e4];

    private readonly double[] _edges;
    private readonly byte[][] _classNames;

    private PredictionBins(bool classes, double[] edges, byte[][] classNames)
    {
        IsClassification = classes;
        _edges = edges;
        _classNames = classNames;
        Count = classes ? MaxBins : edges.Length + 1;
    }

    public bool IsClassification { get; }

    public int Count { get; }

    /// <summary>The binning for a model whose first-seen version has this manifest.</summary>
    public static PredictionBins For(ModelManifest manifest)
    {
        if (ModelTasks.IsClassification(manifest.Task))
        {
            var names = manifest.Signature.Classes ?? [];
            return new PredictionBins(true, [], [.. names.Take(MaxBins - 1).Select(Encoding.UTF8.GetBytes)]);
        }

        // Baseline edges are quantiles of the model's own predictions on its training data (first = min,
        // last = max): the inner ones split typical traffic into bins of similar mass, which is what PSI needs.
        var edges = manifest.Baseline?.Prediction?.Numeric?.BinEdges;
        double[] inner = edges is { Count: > 2 }
            ? [.. edges.Skip(1).Take(edges.Count - 2).Distinct().Order()]
            : FallbackEdges;
        if (inner.Length >= MaxBins)
        {
            inner = [.. Enumerable.Range(1, MaxBins - 1).Select(i => inner[i * inner.Length / MaxBins])];
        }

        return new PredictionBins(false, inner.Length == 0 ? FallbackEdges : inner, []);
    }

    /// <summary>Counts each row's prediction into <paramref name="counts"/>; returns how many rows were counted.</summary>
    public int Add(Tensor output, long[] counts)
    {
        var elements = (int)Math.Min(output.ElementCount, int.MaxValue);
        var rows = output.Shape.Length == 0 ? 1 : (int)Math.Clamp(output.Shape[0], 0, elements);
        if (rows == 0 || elements == 0)
        {
            return 0;
        }

        var width = elements / rows;
        var counted = Math.Min(rows, MaxRowsPerRequest);
        return output.DataType switch
        {
            TensorDataType.FP32 => AddNumbers(output.AsSpan<float>(), width, counted, counts),
            TensorDataType.FP64 => AddNumbers(output.AsSpan<double>(), width, counted, counts),
            TensorDataType.FP16 => AddNumbers(output.AsSpan<Half>(), width, counted, counts),
            TensorDataType.Int64 => AddNumbers(output.AsSpan<long>(), width, counted, counts),
            TensorDataType.Int32 => AddNumbers(output.AsSpan<int>(), width, counted, counts),
            TensorDataType.Int16 => AddNumbers(output.AsSpan<short>(), width, counted, counts),
            TensorDataType.Int8 => AddNumbers(output.AsSpan<sbyte>(), width, counted, counts),
            TensorDataType.UInt64 => AddNumbers(output.AsSpan<ulong>(), width, counted, counts),
            TensorDataType.UInt32 => AddNumbers(output.AsSpan<uint>(), width, counted, counts),
            TensorDataType.UInt16 => AddNumbers(output.AsSpan<ushort>(), width, counted, counts),
            TensorDataType.UInt8 or TensorDataType.Bool => AddNumbers(output.AsSpan<byte>(), width, counted, counts),
            TensorDataType.Bytes when IsClassification && output.Elements is { } labels => AddLabels(labels, width, counted, counts),
            _ => 0,
        };
    }

    /// <summary>The bin of one numeric value (a regression value, or a class index for classifiers).</summary>
    public int BinOf(double value)
    {
        if (IsClassification)
        {
            return value >= 0 && value < MaxBins - 1 && value == Math.Floor(value) ? (int)value : MaxBins - 1;
        }

        // Binary search over at most 31 edges; NaN sorts first, so it falls in the first bin.
        var index = Array.BinarySearch(_edges, value);
        return index >= 0 ? index + 1 : ~index;
    }

    private int AddNumbers<T>(ReadOnlySpan<T> values, int width, int rows, long[] counts)
        where T : INumberBase<T>
    {
        for (var r = 0; r < rows; r++)
        {
            var row = values.Slice(r * width, width);
            if (IsClassification && width > 1)
            {
                // A row of class probabilities: the prediction is the most probable class.
                Interlocked.Increment(ref counts[Math.Min(ArgMax(row), MaxBins - 1)]);
            }
            else if (IsClassification)
            {
                // One number a row: a class index, or a binary classifier's probability of the positive class.
                var value = double.CreateSaturating(row[0]);
                var classIndex = value is > 0 and < 1 ? (value >= 0.5 ? 1 : 0) : value;
                Interlocked.Increment(ref counts[BinOf(classIndex)]);
            }
            else
            {
                foreach (var value in row)
                {
                    Interlocked.Increment(ref counts[BinOf(double.CreateSaturating(value))]);
                }
            }
        }

        return rows;
    }

    private int AddLabels(byte[][] labels, int width, int rows, long[] counts)
    {
        for (var r = 0; r < rows; r++)
        {
            Interlocked.Increment(ref counts[ClassOf(labels[r * width])]);
        }

        return rows;
    }

    /// <summary>A class name's index in the manifest's classes, else a label that is itself an index.</summary>
    private int ClassOf(byte[] label)
    {
        for (var i = 0; i < _classNames.Length; i++)
        {
            if (label.AsSpan().SequenceEqual(_classNames[i]))
            {
                return i;
            }
        }

        return _classNames.Length == 0 && Utf8Parser.TryParse(label, out int index, out var used) && used == label.Length
            ? BinOf(index)
            : MaxBins - 1;
    }

    private static int ArgMax<T>(ReadOnlySpan<T> row)
        where T : INumberBase<T>
    {
        var best = 0;
        var bestValue = double.CreateSaturating(row[0]);
        for (var i = 1; i < row.Length; i++)
        {
            var value = double.CreateSaturating(row[i]);
            if (value > bestValue)
            {
                best = i;
                bestValue = value;
            }
        }

        return best;
    }
}
