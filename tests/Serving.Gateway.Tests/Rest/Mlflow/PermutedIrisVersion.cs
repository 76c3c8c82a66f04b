using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Serving.Gateway.Tests.Rest.Mlflow;

/// <summary>
/// Publishes a copy of an iris version whose model takes its four features in another order: the ONNX graph
/// gets a new input that a Gather node puts back into the original order, and the manifest lists the features
/// in the new order. Fed by column name it answers exactly as the original; fed the original order it does not.
/// Built by rewriting the model's protobuf bytes with the few onnx.proto field numbers it needs (no ONNX tooling needed).
/// </summary>
internal static class PermutedIrisVersion
{
    private const string InputName = "Features";
    private const string PermutedInputName = "PermutedFeatures";

    /// <summary>
    /// Copies <paramref name="source"/> to <paramref name="target"/> with the features in <paramref name="order"/>
    /// (order[k] = the original index of the new column k).
    /// </summary>
    public static void Publish(string source, string target, int[] order)
    {
        var staging = target + ".staging";
        Directory.CreateDirectory(staging);
        var onnx = Rewrite(File.ReadAllBytes(Path.Combine(source, "model.onnx")), Inverse(order));
        File.WriteAllBytes(Path.Combine(staging, "model.onnx"), onnx);

        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(source, "model.json")))!;
        var input = manifest["signature"]!["inputs"]![0]!;
        var features = input["features"]!.AsArray().Select(f => f!.GetValue<string>()).ToArray();
        input["features"] = new JsonArray([.. order.Select(i => (JsonNode)JsonValue.Create(features[i]))]);
        input["source"] = PermutedInputName;
        manifest["artifacts"] = new JsonObject { ["model.onnx"] = Convert.ToHexStringLower(SHA256.HashData(onnx)) };
        File.WriteAllText(Path.Combine(staging, "model.json"), manifest.ToJsonString());

        // Published whole, as the registry expects versions to appear.
        Directory.Move(staging, target);
    }

    private static long[] Inverse(int[] order)
    {
        var inverse = new long[order.Length];
        for (var k = 0; k < order.Length; k++)
        {
            inverse[order[k]] = k;
        }

        return inverse;
    }

    /// <summary>ModelProto with its graph (field 7) rewritten; every other field copied as it was.</summary>
    private static byte[] Rewrite(byte[] model, long[] gather)
    {
        return Message(output =>
        {
            foreach (var field in Fields(model, 0, model.Length))
            {
                if (field.Number == 7)
                {
                    WriteBytes(output, 7, Graph(model, field, gather));
                }
                else
                {
                    output.Write(model, field.Start, field.End - field.Start);
                }
            }
        });
    }

    /// <summary>
    /// GraphProto: a Constant and a Gather node first (nodes are field 1), then the original fields, with the graph
    /// input (field 11) renamed: the original name is now the Gather's output, which the original nodes consume.
    /// </summary>
    private static byte[] Graph(byte[] model, Field graph, long[] gather) => Message(output =>
    {
        var indices = Message(t =>
        {
            WriteVarint(t, 1, gather.Length); // dims
            WriteVarint(t, 2, 7); // data_type INT64
            WriteBytes(t, 9, [.. gather.SelectMany(BitConverter.GetBytes)]); // raw_data, little-endian
        });
        WriteBytes(output, 1, Message(node =>
        {
            WriteString(node, 2, "permutation_indices");
            WriteString(node, 3, "permutation_constant");
            WriteString(node, 4, "Constant");
            WriteBytes(node, 5, Message(a =>
            {
                WriteString(a, 1, "value");
                WriteBytes(a, 5, indices);
                WriteVarint(a, 20, 4); // TENSOR
            }));
        }));
        WriteBytes(output, 1, Message(node =>
        {
            WriteString(node, 1, PermutedInputName);
            WriteString(node, 1, "permutation_indices");
            WriteString(node, 2, InputName);
            WriteString(node, 3, "permutation_gather");
            WriteString(node, 4, "Gather");
            WriteBytes(node, 5, Message(a =>
            {
                WriteString(a, 1, "axis");
                WriteVarint(a, 3, 1);
                WriteVarint(a, 20, 2); // INT
            }));
        }));

        foreach (var field in Fields(model, graph.ValueStart, graph.End))
        {
            if (field.Number == 11 && NameOf(model, field) == InputName)
            {
                WriteBytes(output, 11, Message(info =>
                {
                    WriteString(info, 1, PermutedInputName);
                    foreach (var part in Fields(model, field.ValueStart, field.End).Where(p => p.Number != 1))
                    {
                        info.Write(model, part.Start, part.End - part.Start);
                    }
                }));
            }
            else
            {
                output.Write(model, field.Start, field.End - field.Start);
            }
        }
    });

    private static string? NameOf(byte[] model, Field message) =>
        Fields(model, message.ValueStart, message.End).Where(f => f.Number == 1)
            .Select(f => System.Text.Encoding.UTF8.GetString(model, f.ValueStart, f.End - f.ValueStart)).FirstOrDefault();

    private readonly record struct Field(int Number, int Start, int ValueStart, int End);

    private static List<Field> Fields(byte[] bytes, int start, int end)
    {
        var fields = new List<Field>();
        var i = start;
        while (i < end)
        {
            var fieldStart = i;
            var tag = ReadVarint(bytes, ref i);
            var valueStart = i;
            switch ((int)(tag & 7))
            {
                case 0:
                    ReadVarint(bytes, ref i);
                    break;
                case 1:
                    i += 8;
                    break;
                case 2:
                    var length = (int)ReadVarint(bytes, ref i);
                    valueStart = i;
                    i += length;
                    break;
                case 5:
                    i += 4;
                    break;
                default:
                    throw new InvalidDataException($"unexpected wire type in tag {tag} at byte {fieldStart}");
            }

            fields.Add(new Field((int)(tag >> 3), fieldStart, valueStart, i));
        }

        return fields;
    }

    private static ulong ReadVarint(byte[] bytes, ref int i)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = bytes[i++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }

    private static byte[] Message(Action<Stream> write)
    {
        using var buffer = new MemoryStream();
        write(buffer);
        return buffer.ToArray();
    }

    private static void WriteBytes(Stream output, int field, byte[] value)
    {
        WriteRawVarint(output, ((ulong)field << 3) | 2);
        WriteRawVarint(output, (ulong)value.Length);
        output.Write(value);
    }

    private static void WriteString(Stream output, int field, string value) =>
        WriteBytes(output, field, System.Text.Encoding.UTF8.GetBytes(value));

    private static void WriteVarint(Stream output, int field, long value)
    {
        WriteRawVarint(output, (ulong)field << 3);
        WriteRawVarint(output, (ulong)value);
    }

    private static void WriteRawVarint(Stream output, ulong value)
    {
        while (value >= 0x80)
        {
            output.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        output.WriteByte((byte)value);
    }
}
