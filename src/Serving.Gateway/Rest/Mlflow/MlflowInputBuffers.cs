using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Core.Inference.Mlflow;

namespace Serving.Gateway.Rest.Mlflow;

/// <summary>
/// The request as it is read: one typed buffer per model input, rows x the input's features, borrowed from the
/// array pool and filled cell by cell in whatever order the body gives them (JSON or CSV), then copied once into
/// one tensor per input. Each cell remembers whether it was given and whether its value fit, so the errors come
/// out in MLflow's order whatever the body's order: missing columns first, then the first value that does not
/// fit, by input, row and feature. A value given twice counts as its last.
/// </summary>
internal sealed class MlflowInputBuffers : IDisposable
{
    private const byte Absent = 0;
    private const byte Fit = 1;
    private const byte Unfit = 2;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly MlflowInputLayout layout;
    private readonly MlflowInputSlot[] slots;
    private readonly ReadOnlySequence<byte> body;
    private readonly long maxElements;
    private readonly long maxRows;
    private readonly int features;
    private readonly byte[]?[] values;
    private readonly byte[][]?[]? strings;
    private byte[] cells = [];
    private Dictionary<int, UnfitValue>? unfit;
    private int capacity;

    /// <param name="layout">The inputs of the version that will serve.</param>
    /// <param name="body">The JSON body the reader reads, so a value that does not fit can be quoted; empty for CSV.</param>
    /// <param name="maxElements">Elements one input may hold; past it the request is refused before more memory is taken.</param>
    public MlflowInputBuffers(MlflowInputLayout layout, ReadOnlySequence<byte> body, long maxElements)
    {
        this.layout = layout;

        // An array (the layout keeps one): read per cell, without an interface call.
        slots = layout.Slots as MlflowInputSlot[] ?? [.. layout.Slots];
        this.body = body;
        this.maxElements = maxElements;
        features = layout.FeatureCount;
        maxRows = long.MaxValue;
        foreach (var slot in slots)
        {
            maxRows = slot.Width > 0 ? Math.Min(maxRows, maxElements / slot.Width) : maxRows;
        }

        values = new byte[]?[slots.Length];
        strings = slots.Any(slot => slot.DataType == TensorDataType.Bytes) ? new byte[][]?[slots.Length] : null;
    }

    public MlflowInputLayout Layout => layout;

    public int Rows { get; private set; }

    /// <summary>Makes room for rows up to <paramref name="rows"/>; new cells are absent (NaN in floating-point inputs).</summary>
    public void EnsureRows(int rows)
    {
        if (rows <= Rows)
        {
            return;
        }

        if (rows > maxRows)
        {
            throw TooManyElements(rows);
        }

        if (rows > capacity)
        {
            Grow(rows);
        }

        cells.AsSpan(Rows * features, (rows - Rows) * features).Clear();
        for (var s = 0; s < values.Length; s++)
        {
            var slot = slots[s];
            var start = Rows * slot.Width;
            var count = (rows - Rows) * slot.Width;
            switch (slot.DataType)
            {
                // A value the body leaves out is missing: NaN, as pandas makes it, for the data plane to judge.
                case TensorDataType.FP32:
                    Elements<float>(s).Slice(start, count).Fill(float.NaN);
                    break;
                case TensorDataType.FP64:
                    Elements<double>(s).Slice(start, count).Fill(double.NaN);
                    break;
                case TensorDataType.FP16:
                    Elements<Half>(s).Slice(start, count).Fill((Half)double.NaN);
                    break;
                case TensorDataType.BF16:
                    Elements<ushort>(s).Slice(start, count).Fill(ToBFloat16(float.NaN));
                    break;
                case TensorDataType.Bytes:
                    strings![s].AsSpan(start, count).Clear();
                    break;
                default:
                    break;
            }
        }

        Rows = rows;
    }

    /// <summary>
    /// Stores the JSON value at the reader (a container is skipped whole, and never fits) as the cell of
    /// <paramref name="row"/> (made already) and <paramref name="feature"/>.
    /// </summary>
    public void SetJson(int row, int feature, ref Utf8JsonReader reader)
    {
        var s = layout.FeatureOwners[feature];
        var slot = slots[s];
        var at = (row * slot.Width) + feature - slot.Offset;
        var cell = (row * features) + feature;

        // Nearly every cell: a plain number for an FP32 input, most often a short decimal.
        if (slot.DataType == TensorDataType.FP32 && reader.TokenType == JsonTokenType.Number &&
            MlflowCellValues.TryReadNumber(ref reader, out float single))
        {
            Elements<float>(s)[at] = single;
            cells[cell] = Fit;
            return;
        }

        SetAnyJson(cell, slot, s, at, ref reader);
    }

    private void SetAnyJson(int cell, MlflowInputSlot slot, int s, int at, ref Utf8JsonReader reader)
    {
        var start = reader.TokenStartIndex;
        bool fit;
        try
        {
            fit = StoreJson(ref reader, slot, s, at);
        }
        catch (InvalidOperationException)
        {
            // A string that is not valid text: refused as such if it is the first problem, as MLflow reads in order.
            MarkUnfit(cell, new UnfitValue(start, 0, null, NotText: true));
            return;
        }

        if (fit)
        {
            cells[cell] = Fit;
            return;
        }

        reader.Skip();
        MarkUnfit(cell, new UnfitValue(start, reader.BytesConsumed - start, null, NotText: false));
    }

    /// <summary>Stores a CSV field as the cell of <paramref name="row"/> (made already) and <paramref name="feature"/>.</summary>
    public void SetText(int row, int feature, string text)
    {
        var s = layout.FeatureOwners[feature];
        var slot = slots[s];
        var cell = (row * features) + feature;
        if (StoreText(text, slot, s, (row * slot.Width) + feature - slot.Offset))
        {
            cells[cell] = Fit;
        }
        else
        {
            MarkUnfit(cell, new UnfitValue(0, 0, text, NotText: false));
        }
    }

    /// <summary>One tensor per input, or the first problem: a missing column, then a value that does not fit.</summary>
    public Tensor[] Build()
    {
        var used = cells.AsSpan(0, Rows * features);
        if (used.IndexOfAnyExcept(Fit) >= 0)
        {
            CheckNoneMissing();
            CheckAllFit();
        }

        var tensors = new Tensor[values.Length];
        for (var s = 0; s < tensors.Length; s++)
        {
            var slot = slots[s];
            var count = Rows * slot.Width;
            tensors[s] = slot.DataType == TensorDataType.Bytes
                ? Tensor.FromElements(slot.Spec.Name, slot.ShapeFor(Rows), strings![s].AsSpan(0, count).ToArray())
                : Tensor.FromBytes(slot.Spec.Name, slot.DataType, slot.ShapeFor(Rows), values[s].AsSpan(0, count * slot.DataType.ElementSize()).ToArray());
        }

        return tensors;
    }

    /// <summary>Forgets every row, keeping the buffers: for a reader that starts over.</summary>
    public void Clear()
    {
        Rows = 0;
        unfit = null;
    }

    public void Dispose()
    {
        Return(cells);
        cells = [];
        for (var s = 0; s < values.Length; s++)
        {
            Return(values[s]);
            values[s] = null;
            if (strings is not null)
            {
                Return(strings[s]);
                strings[s] = null;
            }
        }

        capacity = 0;
    }

    private bool StoreJson(ref Utf8JsonReader reader, MlflowInputSlot slot, int s, int at)
    {
        switch (slot.DataType)
        {
            case TensorDataType.FP32:
                return MlflowCellValues.TryReadSingle(ref reader, out var single) && Store(s, at, single);
            case TensorDataType.FP64:
                return MlflowCellValues.TryReadDouble(ref reader, out var real) && Store(s, at, real);
            case TensorDataType.FP16:
                return MlflowCellValues.TryReadDouble(ref reader, out var wide) && Store(s, at, (Half)wide);
            case TensorDataType.BF16:
                return MlflowCellValues.TryReadSingle(ref reader, out var narrow) && Store(s, at, ToBFloat16(narrow));
            case TensorDataType.Bool:
                return MlflowCellValues.TryReadBoolean(ref reader, out var flag) && Store(s, at, (byte)(flag ? 1 : 0));
            case TensorDataType.UInt64:
                return MlflowCellValues.TryReadUInt64(ref reader, out var unsigned) && Store(s, at, unsigned);
            case TensorDataType.Bytes:
                if (!MlflowCellValues.TryReadUtf8(ref reader, out var utf8))
                {
                    return false;
                }

                strings![s]![at] = utf8;
                return true;
            default:
                return MlflowCellValues.TryReadInt64(ref reader, out var integer) && StoreInteger(slot, s, at, integer);
        }
    }

    private bool StoreText(string text, MlflowInputSlot slot, int s, int at)
    {
        switch (slot.DataType)
        {
            case TensorDataType.FP32:
                return MlflowTextValues.TryReadSingle(text, out var single) && Store(s, at, single);
            case TensorDataType.FP64:
                return MlflowTextValues.TryReadDouble(text, out var real) && Store(s, at, real);
            case TensorDataType.FP16:
                return MlflowTextValues.TryReadDouble(text, out var wide) && Store(s, at, (Half)wide);
            case TensorDataType.BF16:
                return MlflowTextValues.TryReadSingle(text, out var narrow) && Store(s, at, ToBFloat16(narrow));
            case TensorDataType.Bool:
                return MlflowTextValues.TryReadBoolean(text, out var flag) && Store(s, at, (byte)(flag ? 1 : 0));
            case TensorDataType.UInt64:
                return MlflowTextValues.TryReadUInt64(text, out var unsigned) && Store(s, at, unsigned);
            case TensorDataType.Bytes:
                strings![s]![at] = Encoding.UTF8.GetBytes(text);
                return true;
            default:
                return MlflowTextValues.TryReadInt64(text, out var integer) && StoreInteger(slot, s, at, integer);
        }
    }

    private bool Store<T>(int s, int at, T value)
        where T : unmanaged
    {
        Elements<T>(s)[at] = value;
        return true;
    }

    private Span<T> Elements<T>(int s)
        where T : unmanaged => MemoryMarshal.Cast<byte, T>(values[s].AsSpan());

    private bool StoreInteger(MlflowInputSlot slot, int s, int at, long value)
    {
        var (min, max) = IntegerElements.Range(slot.DataType);
        if (value < min || value > max)
        {
            return false;
        }

        IntegerElements.Store(slot.DataType, values[s], at, value);
        return true;
    }

    private void MarkUnfit(int cell, UnfitValue value)
    {
        cells[cell] = Unfit;
        (unfit ??= [])[cell] = value;
    }

    private void Grow(int rows)
    {
        capacity = (int)Math.Min(Math.Max(rows, 2L * capacity), int.MaxValue);
        var grown = ArrayPool<byte>.Shared.Rent(checked(capacity * features));
        cells.AsSpan(0, Rows * features).CopyTo(grown);
        Return(cells);
        cells = grown;
        for (var s = 0; s < values.Length; s++)
        {
            var slot = slots[s];
            if (slot.DataType == TensorDataType.Bytes)
            {
                var elements = ArrayPool<byte[]>.Shared.Rent(checked(capacity * slot.Width));
                strings![s].AsSpan(0, Rows * slot.Width).CopyTo(elements);
                Return(strings[s]);
                strings[s] = elements;
            }
            else
            {
                var size = slot.Width * slot.DataType.ElementSize();
                var data = ArrayPool<byte>.Shared.Rent(checked(capacity * size));
                values[s].AsSpan(0, Rows * size).CopyTo(data);
                Return(values[s]);
                values[s] = data;
            }
        }
    }

    private static void Return<T>(T[]? rented)
    {
        // Cleared only where they hold references, so the pool does not keep request strings alive.
        if (rented is { Length: > 0 })
        {
            ArrayPool<T>.Shared.Return(rented, clearArray: !typeof(T).IsValueType);
        }
    }

    /// <summary>Refused before the memory is taken: a short body can name many rows of a wide model.</summary>
    private InferenceException TooManyElements(int rows)
    {
        var slot = slots.First(slot => (long)rows * slot.Width > maxElements);
        return InferenceException.BadRequest(
            $"input '{CallerText.Cut(slot.Spec.Name)}' holds more than {maxElements} elements; at most {maxElements} are allowed " +
            $"({RequestLimits.SectionName}:{nameof(RequestLimits.MaxTensorElements)})");
    }

    private void CheckNoneMissing()
    {
        List<string>? missing = null;
        for (var f = 0; f < features; f++)
        {
            if (IsGiven(f))
            {
                continue;
            }

            // A wide input without feature names is missing as a whole, under its own name.
            var name = layout.FeatureIsNamed[f] ? layout.FeatureNames[f] : slots[layout.FeatureOwners[f]].Spec.Name;
            missing ??= [];
            if (!missing.Contains(name))
            {
                missing.Add(name);
            }
        }

        if (missing is not null)
        {
            throw MlflowRequestException.InvalidValue($"Model is missing inputs {MlflowMessages.NameList(missing)}.");
        }
    }

    /// <summary>Whether any row gives the feature a value: a column that never appears is missing.</summary>
    private bool IsGiven(int feature)
    {
        for (var row = 0; row < Rows; row++)
        {
            if (cells[(row * features) + feature] != Absent)
            {
                return true;
            }
        }

        return false;
    }

    private void CheckAllFit()
    {
        foreach (var slot in slots)
        {
            var floating = slot.DataType.IsFloatingPoint();
            for (var row = 0; row < Rows; row++)
            {
                for (var feature = slot.Offset; feature < slot.Offset + slot.Width; feature++)
                {
                    var cell = (row * features) + feature;
                    var state = cells[cell];
                    if (state == Fit || (state == Absent && floating))
                    {
                        continue;
                    }

                    var got = state == Absent ? "no value" : Describe(unfit![cell]);
                    throw MlflowRequestException.InvalidValue(
                        $"Incompatible input types for column '{layout.FeatureNames[feature]}' at row {row}: expected {Expected(slot.DataType)} " +
                        $"({slot.DataType.ToProtocolName()}), got {got}.");
                }
            }
        }
    }

    /// <summary>The value as the caller wrote it, shortened.</summary>
    private string Describe(UnfitValue value)
    {
        if (value.Text is { } text)
        {
            return CallerText.Cut($"'{text}'", 40);
        }

        if (value.NotText)
        {
            throw new InvalidOperationException("A string in the body is not valid text.");
        }

        var raw = body.Slice(value.Start, value.Length);
        string written;
        try
        {
            written = raw.IsSingleSegment ? StrictUtf8.GetString(raw.FirstSpan) : StrictUtf8.GetString(raw.ToArray());
        }
        catch (DecoderFallbackException e)
        {
            throw new InvalidOperationException("A value in the body is not valid UTF-8.", e);
        }

        return CallerText.Cut(written, 40);
    }

    private static string Expected(TensorDataType type)
    {
        switch (type)
        {
            case TensorDataType.Bytes:
                return "a string";
            case TensorDataType.Bool:
                return "true or false";
            case TensorDataType.UInt64:
                return "a non-negative integer";
            case var floating when floating.IsFloatingPoint():
                return "a number";
            default:
                var (min, max) = IntegerElements.Range(type);
                return $"an integer from {min} to {max}";
        }
    }

    /// <summary>Rounds to the nearest bfloat16 (ties to even), keeping NaN a NaN.</summary>
    private static ushort ToBFloat16(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            return (ushort)((bits >> 16) | 0x0040);
        }

        return (ushort)((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16);
    }

    /// <summary>A value that did not fit: where it lies in the JSON body, or the CSV field; or a string that is not text.</summary>
    private readonly record struct UnfitValue(long Start, long Length, string? Text, bool NotText);
}
