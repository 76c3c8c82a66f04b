using System.Text;
using System.Text.Json;
using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Gateway.Rest.Http;

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

        // An [N,1] output is one value per row, as pandas flattens a single-column result: {"label": 0}.
        if (output.Shape.Length == 2 && output.Shape[1] == 1)
        {
            WriteElement(writer, output, row);
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

    private static void WriteElement(Utf8JsonWriter writer, Tensor output, long index) =>
        TensorJsonWriter.WriteRange(writer, output, checked((int)index), 1, NonFiniteJson.Literal);
}
