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
/// A plain CSV row (no quotes, as many fields as the header) of a model whose inputs are all FP32 is read straight
/// from its bytes: its commas found a vector at a time, then each cell read as a short decimal
/// (<see cref="ShortDecimalWord"/>, else the byte-by-byte fast path); a cell off both sends the row the general way,
/// cell by cell, which gives the same values and the same reasons.
/// </summary>
internal sealed class BatchTensorBuilder
{
    private readonly ColumnMatch _match;
    private readonly BufferPool?[] _pools;

    // For the plain-row path, per file column: the feature it holds (-1: none); per input slot, where its features
    // start and how many it has. Null when an input is not FP32.
    private readonly int[]? _columnFeature;
    private readonly int[]? _slotOffset;
    private readonly int[]? _slotWidth;

    /// <param name="chunkRows">Rows of a full chunk, whose tensor buffers are reused from chunk to chunk.</param>
    public BatchTensorBuilder(ColumnMatch match, int chunkRows)
    {
        _match = match;
        var slots = match.Layout.Slots;
        _pools = new BufferPool?[slots.Count];
        var allFp32 = true;
        for (var s = 0; s < slots.Count; s++)
        {
            var slot = slots[s];
            if (slot.DataType == TensorDataType.BF16)
            {
                throw new ScoringException($"input '{slot.Spec.Name}' is BF16, which serving score does not read; score it through the gateway");
            }

            allFp32 &= slot.DataType == TensorDataType.FP32;
            if (slot.DataType != TensorDataType.Bytes)
            {
                _pools[s] = new BufferPool(checked(chunkRows * slot.Width * slot.DataType.ElementSize()));
            }
        }

        if (allFp32)
        {
            _columnFeature = new int[match.ColumnCount];
            Array.Fill(_columnFeature, -1);
            for (var feature = 0; feature < match.FeatureColumns.Length; feature++)
            {
                _columnFeature[match.FeatureColumns[feature]] = feature;
            }

            _slotOffset = [.. slots.Select(slot => slot.Offset)];
            _slotWidth = [.. slots.Select(slot => slot.Width)];
        }
    }

    /// <summary>Takes back a chunk's input buffers once the runtime has scored it, for a later chunk to fill.</summary>
    public void Recycle(BuiltBatch chunk)
    {
        for (var s = 0; s < chunk.Inputs.Length; s++)
        {
            if (_pools[s] is { } pool && chunk.Inputs[s].DataType != TensorDataType.Bytes)
            {
                pool.Return(chunk.Inputs[s].Data);
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
                buffers[s] = _pools[s]!.Rent(batch.Rows * slot.Width * slot.DataType.ElementSize());
            }
        }

        var kept = new int[batch.Rows];
        var keptCount = 0;
        List<RowRejection>? rejected = null;
        var csv = _columnFeature is null ? null : batch as CsvRowBatch;
        var cellEnds = csv is null ? null : new int[_columnFeature!.Length];
        var features = csv is null ? null : new float[_match.FeatureColumns.Length];
        for (var row = 0; row < batch.Rows; row++)
        {
            var reason = batch.ProblemOf(row);
            if (reason is null && csv is not null && csv.IsPlain(row) && csv.FieldCount(row) == _columnFeature!.Length && TryFillPlain(csv.PlainAndAfter(row), csv.PlainLength(row), cellEnds!, features!, buffers, keptCount))
            {
                kept[keptCount++] = row;
                continue;
            }

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
            if (slot.DataType == TensorDataType.Bytes)
            {
                tensors[s] = Tensor.FromElements(slot.Spec.Name, shape, keptCount == batch.Rows ? texts[s] : texts[s][..(keptCount * slot.Width)]);
                continue;
            }

            // A tensor's bytes are exactly its rows: with rows refused, the kept ones are copied out and the whole
            // buffer goes back to the pool.
            var data = buffers[s];
            if (keptCount < batch.Rows)
            {
                data = data[..(keptCount * slot.Width * slot.DataType.ElementSize())];
                _pools[s]!.Return(buffers[s]);
            }

            tensors[s] = Tensor.FromBytes(slot.Spec.Name, slot.DataType, shape, data);
        }

        return new BuiltBatch(batch, kept[..keptCount], tensors, rejected ?? (IReadOnlyList<RowRejection>)[]);
    }

    /// <summary>
    /// Reads a plain row's cells, each feature's number into its tensor: the commas first, then every cell between
    /// them; false, with the row perhaps half written, when a feature's cell is not a short decimal.
    /// </summary>
    /// <param name="text">The row's bytes, then whatever follows them in the batch (read a word ahead, never used).</param>
    /// <param name="rowLength">The row's length in <paramref name="text"/>.</param>
    /// <param name="cellEnds">Room for where each cell ends, one per file column.</param>
    /// <param name="features">Room for the row's features, in the layout's order, before they go to their inputs.</param>
    /// <remarks>The row has exactly one field per file column (the caller checked).</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TryFillPlain(ReadOnlySpan<byte> text, int rowLength, Span<int> cellEnds, Span<float> features, byte[][] buffers, int at)
    {
        var columnFeature = _columnFeature!;
        if (ShortDecimalWord.FindCommas(text, rowLength, cellEnds[..^1]) != cellEnds.Length - 1)
        {
            return false;
        }

        cellEnds[^1] = rowLength;
        var start = 0;
        for (var c = 0; c < columnFeature.Length; c++)
        {
            var end = cellEnds[c];
            var feature = columnFeature[c];
            if (feature >= 0)
            {
                // Most cells in one word; the rest byte by byte, to the same float.
                var cell = text[start..];
                if (!ShortDecimalWord.TryRead(cell, end - start, out var value) && !MlflowTextValues.TryReadShortDecimal(cell[..(end - start)], out value))
                {
                    return false;
                }

                features[feature] = value;
            }

            start = end + 1;
        }

        // Each input's features are consecutive in the layout: one copy per input.
        for (var s = 0; s < buffers.Length; s++)
        {
            var width = _slotWidth![s];
            features.Slice(_slotOffset![s], width).CopyTo(MemoryMarshal.Cast<byte, float>(buffers[s].AsSpan()).Slice(at * width, width));
        }

        return true;
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
