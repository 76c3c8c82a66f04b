using System.Text;
using System.Text.Json;
using Serving.Core.Inference;

namespace Serving.Gateway.Rest.Mlflow;

/// <summary>
/// Writes MLflow's answer: <c>{"predictions": [...]}</c> with one value (or one list, for [N,k]) per row for a
/// single output, and one object of output name: value per row for several. Numbers keep their datatype:
/// FP32 is written as the shortest text that reads back as the same float, not as a widened double.
/// </summary>
public static class MlflowResponseEncoder
{
    /// <summary>Writes the whole response object.</summary>
    public static void Write(Utf8JsonWriter writer, InferenceResponse response)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(response);
        var outputs = response.Outputs;
        var rows = RowCount(outputs);
        writer.WriteStartObject();
        writer.WritePropertyName("predictions"u8);
        writer.WriteStartArray();
        if (outputs.Count == 1)
        {
            for (var row = 0; row < rows; row++)
            {
                WriteRow(writer, outputs[0], row);
            }
        }
        else
        {
            for (var row = 0; row < rows; row++)
            {
                writer.WriteStartObject();
                foreach (var output in outputs)
                {
                    writer.WritePropertyName(output.Name);
                    WriteRow(writer, output, row);
                }

                writer.WriteEndObject();
            }
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>Rows are the first dimension, which every output shares; a scalar output counts as one row.</summary>
    private static long RowCount(IReadOnlyList<Tensor> outputs)
    {
        long rows = -1;
        foreach (var output in outputs)
        {
            var outputRows = output.Shape.Length == 0 ? 1 : output.Shape[0];
            if (rows >= 0 && outputRows != rows && output.Shape.Length > 0)
            {
                throw new InferenceException(
                    InferenceErrorKind.Internal,
                    $"Outputs disagree on the number of rows ({rows} and {outputRows} in '{output.Name}'); MLflow's answer needs one object per row.");
            }

            if (output.Shape.Length > 0 || rows < 0)
            {
                rows = outputRows;
            }
        }

        return Math.Max(rows, 0);
    }

    private static void WriteRow(Utf8JsonWriter writer, Tensor output, long row)
    {
        if (output.Shape.Length == 0)
        {
            WriteElement(writer, output, 0);
            return;
        }

        long rowSize = 1;
        for (var d = 1; d < output.Shape.Length; d++)
        {
            rowSize *= output.Shape[d];
        }

        var index = row * rowSize;
        WriteNested(writer, output, 1, ref index);
    }

    private static void WriteNested(Utf8JsonWriter writer, Tensor output, int dimension, ref long index)
    {
        if (dimension == output.Shape.Length)
        {
            WriteElement(writer, output, index);
            index++;
            return;
        }

        writer.WriteStartArray();
        for (long i = 0; i < output.Shape[dimension]; i++)
        {
            WriteNested(writer, output, dimension + 1, ref index);
        }

        writer.WriteEndArray();
    }

    private static void WriteElement(Utf8JsonWriter writer, Tensor output, long index)
    {
        var i = checked((int)index);
        switch (output.DataType)
        {
            case TensorDataType.FP32:
                WriteSingle(writer, output.AsSpan<float>()[i]);
                break;
            case TensorDataType.FP64:
                WriteDouble(writer, output.AsSpan<double>()[i]);
                break;
            case TensorDataType.FP16:
                WriteSingle(writer, (float)output.AsSpan<Half>()[i]);
                break;
            case TensorDataType.BF16:
                WriteSingle(writer, BitConverter.UInt32BitsToSingle((uint)output.AsSpan<ushort>()[i] << 16));
                break;
            case TensorDataType.Bool:
                writer.WriteBooleanValue(output.Data[i] != 0);
                break;
            case TensorDataType.Int8:
                writer.WriteNumberValue((sbyte)output.Data[i]);
                break;
            case TensorDataType.UInt8:
                writer.WriteNumberValue(output.Data[i]);
                break;
            case TensorDataType.Int16:
                writer.WriteNumberValue(output.AsSpan<short>()[i]);
                break;
            case TensorDataType.UInt16:
                writer.WriteNumberValue(output.AsSpan<ushort>()[i]);
                break;
            case TensorDataType.Int32:
                writer.WriteNumberValue(output.AsSpan<int>()[i]);
                break;
            case TensorDataType.UInt32:
                writer.WriteNumberValue(output.AsSpan<uint>()[i]);
                break;
            case TensorDataType.Int64:
                writer.WriteNumberValue(output.AsSpan<long>()[i]);
                break;
            case TensorDataType.UInt64:
                writer.WriteNumberValue(output.AsSpan<ulong>()[i]);
                break;
            case TensorDataType.Bytes:
                // Invalid UTF-8 becomes U+FFFD rather than failing a prediction that the model did make.
                writer.WriteStringValue(Encoding.UTF8.GetString(output.Elements![i]));
                break;
            default:
                throw new InferenceException(InferenceErrorKind.Internal, $"Output '{output.Name}' has datatype {output.DataType}, which MLflow's answer cannot carry.");
        }
    }

    private static void WriteSingle(Utf8JsonWriter writer, float value)
    {
        if (float.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            WriteNonFinite(writer, value);
        }
    }

    private static void WriteDouble(Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            WriteNonFinite(writer, value);
        }
    }

    /// <summary>
    /// MLflow serializes with Python's json module, which writes NaN and the infinities as bare literals; the
    /// same tokens keep Python callers working unchanged (JSON itself has no way to write them).
    /// </summary>
    private static void WriteNonFinite(Utf8JsonWriter writer, double value) =>
        writer.WriteRawValue(
            double.IsNaN(value) ? "NaN"u8 : value > 0 ? "Infinity"u8 : "-Infinity"u8,
            skipInputValidation: true);
}
