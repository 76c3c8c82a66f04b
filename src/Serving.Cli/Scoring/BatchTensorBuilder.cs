using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Core.Inference.Mlflow;

namespace Serving.Cli.Scoring;

/// <summary>
/// Types one chunk of rows into one tensor per model input. A row whose cell cannot be read as its input's type, or
/// is NaN or infinite where the model takes finite numbers only, is refused whole with its line and the reason; the
/// data plane's own validation (<see cref="RequestValidator"/>) then runs on what is kept, as on every request.
/// </summary>
internal sealed class BatchTensorBuilder
{
    private readonly ColumnMatch _match;

    public BatchTensorBuilder(ColumnMatch match)
    {
        _match = match;
        foreach (var slot in match.Layout.Slots)
        {
            if (slot.DataType == TensorDataType.BF16)
            {
                throw new ScoringException($"input '{slot.Spec.Name}' is BF16, which serving score does not read; score it through the gateway");
            }
        }
    }

    // Per-row code of a process that lives seconds: compiled optimised at once, not first as unoptimised tier-0 code
    // that a short run spends much of its time in before tiering catches up.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public BuiltBatch Build(RowBatch batch)
    {
        var slots = _match.Layout.Slots;
        var buffers = new byte[slots.Count][];
        var texts = new byte[slots.Count][][];
        for (var s = 0; s < slots.Count; s++)
        {
            var slot = slots[s];
            if (slot.DataType == TensorDataType.Bytes)
            {
                texts[s] = new byte[batch.Rows * slot.Width][];
            }
            else
            {
                buffers[s] = new byte[batch.Rows * slot.Width * slot.DataType.ElementSize()];
            }
        }

        var kept = new int[batch.Rows];
        var keptCount = 0;
        List<RowRejection>? rejected = null;
        for (var row = 0; row < batch.Rows; row++)
        {
            var reason = batch.ProblemOf(row);
            for (var s = 0; reason is null && s < slots.Count; s++)
            {
                reason = slots[s].DataType == TensorDataType.Bytes
                    ? FillText(batch, row, slots[s], texts[s], keptCount)
                    : Fill(batch, row, slots[s], buffers[s], keptCount);
            }

            if (reason is null)
            {
                kept[keptCount++] = row;
            }
            else
            {
                (rejected ??= []).Add(new RowRejection(batch.LineOf(row), reason));
            }
        }

        var tensors = new Tensor[slots.Count];
        for (var s = 0; s < slots.Count; s++)
        {
            var slot = slots[s];
            var shape = slot.ShapeFor(keptCount);
            tensors[s] = slot.DataType == TensorDataType.Bytes
                ? Tensor.FromElements(slot.Spec.Name, shape, keptCount == batch.Rows ? texts[s] : texts[s][..(keptCount * slot.Width)])
                : Tensor.FromBytes(slot.Spec.Name, slot.DataType, shape, keptCount == batch.Rows ? buffers[s] : buffers[s][..(keptCount * slot.Width * slot.DataType.ElementSize())]);
        }

        return new BuiltBatch(batch, kept[..keptCount], tensors, rejected ?? (IReadOnlyList<RowRejection>)[]);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private string? Fill(RowBatch batch, int row, MlflowInputSlot slot, byte[] buffer, int at)
    {
        var finiteOnly = !slot.Spec.AllowNonFinite;
        var first = at * slot.Width;
        for (var j = 0; j < slot.Width; j++)
        {
            var feature = slot.Offset + j;
            var column = _match.FeatureColumns[feature];
            var i = first + j;
            switch (slot.DataType)
            {
                case TensorDataType.FP32:
                    if (!batch.TryReadSingle(row, column, out var single))
                    {
                        return Incompatible(batch, row, feature, slot, "a number");
                    }

                    if (finiteOnly && !float.IsFinite(single))
                    {
                        return NonFinite(feature);
                    }

                    MemoryMarshal.Cast<byte, float>(buffer.AsSpan())[i] = single;
                    break;
                case TensorDataType.FP64 or TensorDataType.FP16:
                    if (!batch.TryReadDouble(row, column, out var real))
                    {
                        return Incompatible(batch, row, feature, slot, "a number");
                    }

                    if (slot.DataType == TensorDataType.FP16)
                    {
                        var half = (Half)real;
                        if (finiteOnly && !Half.IsFinite(half))
                        {
                            return NonFinite(feature);
                        }

                        MemoryMarshal.Cast<byte, Half>(buffer.AsSpan())[i] = half;
                        break;
                    }

                    if (finiteOnly && !double.IsFinite(real))
                    {
                        return NonFinite(feature);
                    }

                    MemoryMarshal.Cast<byte, double>(buffer.AsSpan())[i] = real;
                    break;
                case TensorDataType.Bool:
                    if (!batch.TryReadBoolean(row, column, out var flag))
                    {
                        return Incompatible(batch, row, feature, slot, "true or false");
                    }

                    buffer[i] = (byte)(flag ? 1 : 0);
                    break;
                case TensorDataType.UInt64:
                    if (!batch.TryReadUInt64(row, column, out var unsigned))
                    {
                        return Incompatible(batch, row, feature, slot, "a non-negative integer");
                    }

                    MemoryMarshal.Cast<byte, ulong>(buffer.AsSpan())[i] = unsigned;
                    break;
                default:
                    var (min, max) = IntegerElements.Range(slot.DataType);
                    if (!batch.TryReadInt64(row, column, out var value) || value < min || value > max)
                    {
                        return Incompatible(batch, row, feature, slot, $"an integer from {min} to {max}");
                    }

                    WriteInteger(slot.DataType, buffer, i, value);
                    break;
            }
        }

        return null;
    }

    private string? FillText(RowBatch batch, int row, MlflowInputSlot slot, byte[][] elements, int at)
    {
        for (var j = 0; j < slot.Width; j++)
        {
            var feature = slot.Offset + j;
            if (!batch.TryReadText(row, _match.FeatureColumns[feature], out var text))
            {
                return Incompatible(batch, row, feature, slot, "a string");
            }

            elements[(at * slot.Width) + j] = System.Text.Encoding.UTF8.GetBytes(text);
        }

        return null;
    }

    private static void WriteInteger(TensorDataType type, byte[] buffer, int i, long value) => IntegerElements.Store(type, buffer, i, value);

    private string Incompatible(RowBatch batch, int row, int feature, MlflowInputSlot slot, string expected) =>
        $"column '{_match.Layout.FeatureNames[feature]}': expected {expected} ({slot.DataType.ToProtocolName()}), got {batch.Describe(row, _match.FeatureColumns[feature])}";

    private string NonFinite(int feature) =>
        $"column '{_match.Layout.FeatureNames[feature]}' is NaN or infinite (an empty or missing value reads as NaN); this model takes finite numbers only";
}
