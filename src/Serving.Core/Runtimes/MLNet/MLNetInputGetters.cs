using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Serving.Core.Runtimes.MLNet;

/// <summary>Builds the ML.NET getter that reads one input column from the current row of its bound tensor.</summary>
internal static class MLNetInputGetters
{
    public static Delegate Create(MLNetColumn column, TensorInputRow row, int slot)
    {
        if (column.ItemType == typeof(bool))
        {
            return column.IsVector ? BoolVector(row, slot) : Bool(row, slot);
        }

        if (column.ItemType == typeof(ReadOnlyMemory<char>))
        {
            return column.IsVector ? TextVector(row, slot) : Text(row, slot);
        }

        // The item type is only known at run time; reflection runs once per pooled engine, never per call.
        var method = typeof(MLNetInputGetters).GetMethod(column.IsVector ? nameof(Vector) : nameof(Scalar), BindingFlags.NonPublic | BindingFlags.Static)!;
        return (Delegate)method.MakeGenericMethod(column.ItemType).Invoke(null, [row, slot])!;
    }

    private static ValueGetter<T> Scalar<T>(TensorInputRow row, int slot)
        where T : unmanaged =>
        (ref T value) => value = MemoryMarshal.Cast<byte, T>(row.Input(slot).Data)[row.Row];

    private static ValueGetter<VBuffer<T>> Vector<T>(TensorInputRow row, int slot)
        where T : unmanaged =>
        (ref VBuffer<T> value) =>
        {
            var width = row.Width(slot);
            var source = MemoryMarshal.Cast<byte, T>(row.Input(slot).Data).Slice(row.Row * width, width);
            var editor = VBufferEditor.Create(ref value, width);
            source.CopyTo(editor.Values);
            value = editor.Commit();
        };

    // Any non-zero byte is true, so a sloppy client cannot smuggle a non-canonical bool into the model.
    private static ValueGetter<bool> Bool(TensorInputRow row, int slot) =>
        (ref bool value) => value = row.Input(slot).Data[row.Row] != 0;

    private static ValueGetter<VBuffer<bool>> BoolVector(TensorInputRow row, int slot) =>
        (ref VBuffer<bool> value) =>
        {
            var width = row.Width(slot);
            var source = row.Input(slot).Data.AsSpan(row.Row * width, width);
            var editor = VBufferEditor.Create(ref value, width);
            for (var i = 0; i < width; i++)
            {
                editor.Values[i] = source[i] != 0;
            }

            value = editor.Commit();
        };

    private static ValueGetter<ReadOnlyMemory<char>> Text(TensorInputRow row, int slot) =>
        (ref ReadOnlyMemory<char> value) => value = Encoding.UTF8.GetString(row.Input(slot).Elements![row.Row]).AsMemory();

    private static ValueGetter<VBuffer<ReadOnlyMemory<char>>> TextVector(TensorInputRow row, int slot) =>
        (ref VBuffer<ReadOnlyMemory<char>> value) =>
        {
            var width = row.Width(slot);
            var elements = row.Input(slot).Elements!;
            var editor = VBufferEditor.Create(ref value, width);
            for (var i = 0; i < width; i++)
            {
                editor.Values[i] = Encoding.UTF8.GetString(elements[(row.Row * width) + i]).AsMemory();
            }

            value = editor.Commit();
        };
}
