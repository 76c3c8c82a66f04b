using System.Text.Encodings.Web;
using System.Text.Json;
using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Gateway.Grpc.Codecs;
using Serving.Gateway.Rest.Http;

namespace Serving.Gateway.Rest.Oip;

/// <summary>Writes OIP v2 JSON: inference responses and metadata, with a flat row-major <c>data</c> per output.</summary>
internal static class OipJsonResponseWriter
{
    public static void WriteInferResponse(Utf8JsonWriter writer, InferenceResponse response) => WriteInferResponse(writer, response, null);

    /// <summary>As above; the outputs <paramref name="binary"/> names get <c>parameters.binary_data_size</c> instead of <c>data</c>.</summary>
    public static void WriteInferResponse(Utf8JsonWriter writer, InferenceResponse response, OipBinaryOutputs? binary)
    {
        writer.WriteStartObject();
        writer.WriteString("model_name"u8, response.ModelName);
        writer.WriteString("model_version"u8, response.ModelVersion);
        if (response.Id is not null)
        {
            writer.WriteString("id"u8, response.Id);
        }

        writer.WriteStartArray("outputs"u8);
        // Indexed: a foreach over the interface would allocate an enumerator per answer.
        for (var o = 0; o < response.Outputs.Count; o++)
        {
            var output = response.Outputs[o];
            writer.WriteStartObject();
            writer.WriteString("name"u8, output.Name);
            writer.WriteString("datatype"u8, output.DataType.ToProtocolName());
            writer.WriteStartArray("shape"u8);
            foreach (var dim in output.Shape)
            {
                writer.WriteNumberValue(dim);
            }

            writer.WriteEndArray();
            if (binary is not null && binary.IsBinary(output.Name))
            {
                // The bytes follow the JSON (OipBinaryResponseWriter); the caller finds them by this size.
                writer.WriteStartObject("parameters"u8);
                writer.WriteNumber("binary_data_size"u8, BytesElementFraming.RawSize(output));
                writer.WriteEndObject();
            }
            else
            {
                writer.WritePropertyName("data"u8);
                TensorJsonWriter.WriteFlat(writer, output);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>Options for JSON that need no speed: readable feature names, no escaping of quotes.</summary>
    public static readonly JsonWriterOptions RelaxedOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
