using Serving.Core.Contracts;

namespace Serving.Core.Runtimes.Batching;

/// <summary>
/// Merging requests along the batch dimension (the leading one) and splitting a merged call's outputs back:
/// row-major data makes both plain concatenation and slicing of bytes (or of BYTES elements).
/// </summary>
internal static class BatchTensors
{
    /// <summary>The rows a request carries: the leading dimension all its inputs share; 0 when they share none.</summary>
    public static int RowsOf(IReadOnlyList<Tensor> inputs)
    {
        if (inputs.Count == 0)
        {
            return 0;
        }

        var rows = -1L;
        foreach (var input in inputs)
        {
            if (input.Shape.Length == 0 || (rows >= 0 && input.Shape[0] != rows))
            {
                return 0;
            }

            rows = input.Shape[0];
        }

        return rows is > 0 and <= int.MaxValue ? (int)rows : 0;
    }

    /// <summary>Whether two requests can share a call: same inputs with the same type and row shape, same outputs asked for.</summary>
    public static bool CanMerge(PendingRun a, PendingRun b)
    {
        if (a.Inputs.Count != b.Inputs.Count || !SameNames(a.OutputNames, b.OutputNames))
        {
            return false;
        }

        for (var i = 0; i < a.Inputs.Count; i++)
        {
            var x = a.Inputs[i];
            var y = b.Inputs[i];
            if (x.DataType != y.DataType || !string.Equals(x.Name, y.Name, StringComparison.Ordinal)
                || !x.Shape.AsSpan(1).SequenceEqual(y.Shape.AsSpan(1)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>One input list whose tensors hold every request's rows, in batch order.</summary>
    public static Tensor[] Merge(IReadOnlyList<PendingRun> batch, int rows)
    {
        var first = batch[0].Inputs;
        var merged = new Tensor[first.Count];
        for (var i = 0; i < first.Count; i++)
        {
            var template = first[i];
            var shape = (long[])template.Shape.Clone();
            shape[0] = rows;
            if (template.Elements is not null)
            {
                var elements = new byte[batch.Sum(p => p.Inputs[i].Elements!.Length)][];
                var at = 0;
                foreach (var pending in batch)
                {
                    var part = pending.Inputs[i].Elements!;
                    part.CopyTo(elements, at);
                    at += part.Length;
                }

                merged[i] = Tensor.FromElements(template.Name, shape, elements);
            }
            else
            {
                var data = GC.AllocateUninitializedArray<byte>(batch.Sum(p => p.Inputs[i].Data.Length));
                var at = 0;
                foreach (var pending in batch)
                {
                    var part = pending.Inputs[i].Data;
                    part.CopyTo(data, at);
                    at += part.Length;
                }

                merged[i] = Tensor.FromBytes(template.Name, template.DataType, shape, data);
            }
        }

        return merged;
    }

    /// <summary>
    /// Each request's share of a merged call's outputs; false when an output does not carry one row per input row
    /// (its leading dimension is not the batch), so the call's results cannot be told apart.
    /// </summary>
    public static bool TrySplit(Tensor[] outputs, IReadOnlyList<PendingRun> batch, int rows, out Tensor[][] parts)
    {
        parts = [];
        foreach (var output in outputs)
        {
            var length = output.Elements?.Length ?? output.Data.Length;
            if (output.Shape.Length == 0 || output.Shape[0] != rows || length % rows != 0)
            {
                return false;
            }
        }

        parts = new Tensor[batch.Count][];
        for (var p = 0; p < batch.Count; p++)
        {
            parts[p] = new Tensor[outputs.Length];
        }

        for (var o = 0; o < outputs.Length; o++)
        {
            var output = outputs[o];
            var perRow = (output.Elements?.Length ?? output.Data.Length) / rows;
            var row = 0;
            for (var p = 0; p < batch.Count; p++)
            {
                var count = batch[p].Rows;
                var shape = (long[])output.Shape.Clone();
                shape[0] = count;
                parts[p][o] = output.Elements is { } elements
                    ? Tensor.FromElements(output.Name, shape, elements.AsSpan(row * perRow, count * perRow).ToArray())
                    : Tensor.FromBytes(output.Name, output.DataType, shape, output.Data.AsSpan(row * perRow, count * perRow).ToArray());
                row += count;
            }
        }

        return true;
    }

    private static bool SameNames(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        if (a.Count != b.Count)
        {
            return false;
        }

        for (var i = 0; i < a.Count; i++)
        {
            if (!string.Equals(a[i], b[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
