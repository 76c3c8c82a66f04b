namespace Serving.LoadTests.MinimalOnnx;

/// <summary>Writes a slot's outputs as an OIP JSON answer into the slot's own buffer, reused from call to call.</summary>
internal static class OipAnswerWriter
{
    public static ReadOnlyMemory<byte> Write(BoundSlot slot, MinimalModel model, MinimalOptions options, long id)
    {
        slot.Answer.ResetWrittenCount();
        var writer = slot.Writer;
        writer.Reset(slot.Answer);
        writer.WriteStartObject();
        writer.WriteString("model_name"u8, options.Name);
        writer.WriteString("model_version"u8, options.Version);
        writer.WriteString("id"u8, id.ToString("x32", System.Globalization.CultureInfo.InvariantCulture));
        writer.WriteStartArray("outputs"u8);
        for (var i = 0; i < model.Outputs.Length; i++)
        {
            var output = model.Outputs[i];
            writer.WriteStartObject();
            writer.WriteString("name"u8, output.Name);
            writer.WriteString("datatype"u8, output.IsInt64 ? "INT64"u8 : "FP32"u8);
            writer.WriteStartArray("shape"u8);
            foreach (var dimension in output.Shape)
            {
                writer.WriteNumberValue(dimension);
            }

            writer.WriteEndArray();
            writer.WriteStartArray("data"u8);
            if (output.IsInt64)
            {
                foreach (var value in slot.Longs[i])
                {
                    writer.WriteNumberValue(value);
                }
            }
            else
            {
                foreach (var value in slot.Floats[i])
                {
                    writer.WriteNumberValue(value);
                }
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.Flush();
        return slot.Answer.WrittenMemory;
    }
}
