using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Serving.Core.Contracts;
using Serving.Core.Inference;

namespace Serving.Cli.Scoring;

/// <summary>Reads one appended value out of an output tensor, typed or as CSV text.</summary>
internal static class OutputValues
{
    public static int Index(OutputColumn column, int row) => (row * column.Width) + column.Offset;

    /// <summary>
    /// Writes the value as invariant UTF-8 text (floats shortest round-trip, as <see cref="float.ToString(IFormatProvider)"/>
    /// writes them) into <paramref name="destination"/>; returns the length, or -1 when it does not fit.
    /// </summary>
    // Once per output value of every row: compiled optimised at once, not first as unoptimised tier-0 code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Format(Tensor tensor, OutputColumn column, int row, Span<byte> destination)
    {
        var i = Index(column, row);
        var invariant = CultureInfo.InvariantCulture;
        int written;
        var done = column.DataType switch
        {
            TensorDataType.FP32 => Single(tensor.AsSpan<float>()[i], destination, out written),
            TensorDataType.FP64 => tensor.AsSpan<double>()[i].TryFormat(destination, out written, default, invariant),
            TensorDataType.FP16 or TensorDataType.BF16 => Single(ReadSingle(tensor, column, row), destination, out written),
            TensorDataType.Bool => (tensor.Data[i] != 0 ? "true"u8 : "false"u8).TryCopyTo(destination) ? Length(tensor.Data[i] != 0 ? 4 : 5, out written) : Length(-1, out written),
            TensorDataType.UInt64 => tensor.AsSpan<ulong>()[i].TryFormat(destination, out written, default, invariant),
            TensorDataType.Bytes => throw new InvalidOperationException("text outputs are written with Text"),
            _ => ReadInt64(tensor, column.DataType, i).TryFormat(destination, out written, default, invariant),
        };
        return done ? written : -1;
    }

    private static bool Single(float value, Span<byte> destination, out int written) =>
        Length(destination.Length >= ShortFloatText.MaxLength ? ShortFloatText.Format(value, destination) : -1, out written);

    public static string Text(Tensor tensor, OutputColumn column, int row) => Encoding.UTF8.GetString(tensor.Elements![Index(column, row)]);

    public static float ReadSingle(Tensor tensor, OutputColumn column, int row) => column.DataType switch
    {
        TensorDataType.FP16 => (float)tensor.AsSpan<Half>()[Index(column, row)],
        TensorDataType.BF16 => BitConverter.UInt32BitsToSingle((uint)tensor.AsSpan<ushort>()[Index(column, row)] << 16),
        _ => tensor.AsSpan<float>()[Index(column, row)],
    };

    public static long ReadInt64(Tensor tensor, TensorDataType type, int i) => type switch
    {
        TensorDataType.Int8 => (sbyte)tensor.Data[i],
        TensorDataType.UInt8 => tensor.Data[i],
        TensorDataType.Int16 => MemoryMarshal.Cast<byte, short>(tensor.Data.AsSpan())[i],
        TensorDataType.UInt16 => MemoryMarshal.Cast<byte, ushort>(tensor.Data.AsSpan())[i],
        TensorDataType.Int32 => MemoryMarshal.Cast<byte, int>(tensor.Data.AsSpan())[i],
        TensorDataType.UInt32 => MemoryMarshal.Cast<byte, uint>(tensor.Data.AsSpan())[i],
        _ => MemoryMarshal.Cast<byte, long>(tensor.Data.AsSpan())[i],
    };

    private static bool Length(int length, out int written)
    {
        written = length;
        return length >= 0;
    }
}
