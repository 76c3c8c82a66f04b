using System.Text.Json;
using Serving.Core.Contracts;
using Serving.Core.Inference;

namespace Serving.Gateway.Rest.Oip;

/// <summary>Writes OIP model metadata JSON.</summary>
internal static class OipMetadataWriter
{
    public static void Write(Utf8JsonWriter writer, ModelMetadata metadata)
    {
        writer.WriteStartObject();
        writer.WriteString("name", metadata.Name);
        writer.WriteStartArray("versions");
        foreach (var version in metadata.Versions)
        {
            writer.WriteStringValue(version);
        }

        writer.WriteEndArray();
        writer.WriteString("platform", metadata.Platform);
        WriteTensors(writer, "inputs", metadata.Inputs);
        WriteTensors(writer, "outputs", metadata.Outputs);
        writer.WriteEndObject();
    }

    private static void WriteTensors(Utf8JsonWriter writer, string property, IReadOnlyList<TensorSpec> specs)
    {
        writer.WriteStartArray(property);
        foreach (var spec in specs)
        {
            writer.WriteStartObject();
            writer.WriteString("name", spec.Name);
            writer.WriteString("datatype", spec.Datatype);
            writer.WriteStartArray("shape");
            foreach (var dim in spec.Shape)
            {
                writer.WriteNumberValue(dim);
            }

            writer.WriteEndArray();
            if (spec.Features is { } features)
            {
                // Not in the specification, which allows extra members: callers learn the column order here.
                writer.WriteStartObject("parameters");
                writer.WriteStartArray("features");
                foreach (var feature in features)
                {
                    writer.WriteStringValue(feature);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }
}
