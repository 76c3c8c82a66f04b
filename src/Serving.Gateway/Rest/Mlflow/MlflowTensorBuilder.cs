using System.Runtime.InteropServices;
using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Core.Inference.Mlflow;

namespace Serving.Gateway.Rest.Mlflow;

/// <summary>Turns the rows x features grid into one tensor per model input, of the input's datatype and shape.</summary>
internal static class MlflowTensorBuilder
{
    public static Tensor[] Build(MlflowCellGrid grid, MlflowInputLayout layout)
    {
        CheckNoneMissing(grid, layout);
        var tensors = new Tensor[layout.Slots.Count];
        for (var i = 0; i < tensors.Length; i++)
        {
            tensors[i] = Build(grid, layout, layout.Slots[i]);
        }

        return tensors;
    }

    private static void CheckNoneMissing(MlflowCellGrid grid, MlflowInputLayout layout)
    {
        List<string>? missing = null;
        for (var f = 0; f < layout.FeatureCount; f++)
        {
            if (grid.HasColumn(f))
            {
                continue;
            }

            // A wide input without feature names is missing as a whole, under its own name.
            var slot = layout.Slots[layout.FeatureOwners[f]];
            var name = layout.FeatureIsNamed[f] ? layout.FeatureNames[f] : slot.Spec.Name;
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

    private static Tensor Build(MlflowCellGrid grid, MlflowInputLayout layout, MlflowInputSlot slot)
    {
        var shape = slot.ShapeFor(grid.Rows);
        var count = grid.Rows * slot.Width;
        if (slot.DataType == TensorDataType.Bytes)
        {
            var elements = new byte[count][];
            for (var i = 0; i < count; i++)
            {
                var (row, feature) = Locate(slot, i);
                elements[i] = MlflowCellReader.TryReadUtf8(grid[row, feature], out var utf8)
                    ? utf8
                    : throw Incompatible(grid, layout, slot, row, feature, "a string");
            }

            return Tensor.FromElements(slot.Spec.Name, shape, elements);
        }

        var data = new byte[count * slot.DataType.ElementSize()];
        switch (slot.DataType)
        {
            case TensorDataType.FP32:
                FillSingle(grid, layout, slot, MemoryMarshal.Cast<byte, float>(data.AsSpan()));
                break;
            case TensorDataType.FP64:
                FillDouble(grid, layout, slot, MemoryMarshal.Cast<byte, double>(data.AsSpan()));
                break;
            case TensorDataType.FP16:
                var halves = MemoryMarshal.Cast<byte, Half>(data.AsSpan());
                for (var i = 0; i < count; i++)
                {
                    halves[i] = (Half)ReadDouble(grid, layout, slot, i);
                }

                break;
            case TensorDataType.BF16:
                var brains = MemoryMarshal.Cast<byte, ushort>(data.AsSpan());
                for (var i = 0; i < count; i++)
                {
                    brains[i] = ToBFloat16(ReadSingle(grid, layout, slot, i));
                }

                break;
            case TensorDataType.Bool:
                for (var i = 0; i < count; i++)
                {
                    var (row, feature) = Locate(slot, i);
                    data[i] = MlflowCellReader.TryReadBoolean(grid[row, feature], out var flag)
                        ? (byte)(flag ? 1 : 0)
                        : throw Incompatible(grid, layout, slot, row, feature, "true or false");
                }

                break;
            case TensorDataType.UInt64:
                var unsigned = MemoryMarshal.Cast<byte, ulong>(data.AsSpan());
                for (var i = 0; i < count; i++)
                {
                    var (row, feature) = Locate(slot, i);
                    unsigned[i] = MlflowCellReader.TryReadUInt64(grid[row, feature], out var value)
                        ? value
                        : throw Incompatible(grid, layout, slot, row, feature, "a non-negative integer");
                }

                break;
            default:
                FillInteger(grid, layout, slot, data);
                break;
        }

        return Tensor.FromBytes(slot.Spec.Name, slot.DataType, shape, data);
    }

    private static void FillSingle(MlflowCellGrid grid, MlflowInputLayout layout, MlflowInputSlot slot, Span<float> values)
    {
        // The hot path: one row of FP32 features. Row by row keeps the grid reads sequential.
        var i = 0;
        for (var row = 0; row < grid.Rows; row++)
        {
            for (var j = 0; j < slot.Width; j++, i++)
            {
                var feature = slot.Offset + j;
                values[i] = MlflowCellReader.TryReadSingle(grid[row, feature], out var value)
                    ? value
                    : throw Incompatible(grid, layout, slot, row, feature, "a number");
            }
        }
    }

    private static void FillDouble(MlflowCellGrid grid, MlflowInputLayout layout, MlflowInputSlot slot, Span<double> values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = ReadDouble(grid, layout, slot, i);
        }
    }

    private static void FillInteger(MlflowCellGrid grid, MlflowInputLayout layout, MlflowInputSlot slot, byte[] data)
    {
        var (min, max) = IntegerElements.Range(slot.DataType);
        var count = grid.Rows * slot.Width;
        for (var i = 0; i < count; i++)
        {
            var (row, feature) = Locate(slot, i);
            if (!MlflowCellReader.TryReadInt64(grid[row, feature], out var value) || value < min || value > max)
            {
                throw Incompatible(grid, layout, slot, row, feature, $"an integer from {min} to {max}");
            }

            IntegerElements.Store(slot.DataType, data, i, value);
        }
    }

    private static float ReadSingle(MlflowCellGrid grid, MlflowInputLayout layout, MlflowInputSlot slot, int index)
    {
        var (row, feature) = Locate(slot, index);
        return MlflowCellReader.TryReadSingle(grid[row, feature], out var value)
            ? value
            : throw Incompatible(grid, layout, slot, row, feature, "a number");
    }

    private static double ReadDouble(MlflowCellGrid grid, MlflowInputLayout layout, MlflowInputSlot slot, int index)
    {
        var (row, feature) = Locate(slot, index);
        return MlflowCellReader.TryReadDouble(grid[row, feature], out var value)
            ? value
            : throw Incompatible(grid, layout, slot, row, feature, "a number");
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

    private static (int Row, int Feature) Locate(MlflowInputSlot slot, int index) =>
        (index / slot.Width, slot.Offset + (index % slot.Width));

    private static MlflowRequestException Incompatible(
        MlflowCellGrid grid, MlflowInputLayout layout, MlflowInputSlot slot, int row, int feature, string expected)
    {
        var cell = grid[row, feature];
        var got = cell.IsPresent ? cell.Describe() : "no value";
        return MlflowRequestException.InvalidValue(
            $"Incompatible input types for column '{layout.FeatureNames[feature]}' at row {row}: expected {expected} " +
            $"({slot.DataType.ToProtocolName()}), got {got}.");
    }
}
