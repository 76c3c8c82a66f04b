using System.Buffers.Binary;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Serving.Gateway.Tests.Rest.Oip;

/// <summary>Builds and takes apart bodies in Triton's binary tensor data layout, as a client would.</summary>
internal static class BinaryTensorData
{
    public const string Header = "Inference-Header-Content-Length";

    /// <summary>The JSON, then each part's bytes, with the header giving the JSON's length.</summary>
    public static ByteArrayContent Content(string json, params byte[][] parts)
    {
        var head = Encoding.UTF8.GetBytes(json);
        var content = new ByteArrayContent([.. head, .. parts.SelectMany(p => p)]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Headers.TryAddWithoutValidation(Header, head.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return content;
    }

    /// <summary>Little-endian bytes of the values, as the wire has them.</summary>
    public static byte[] Bytes<T>(ReadOnlySpan<T> values)
        where T : unmanaged
    {
        Assert.True(BitConverter.IsLittleEndian);
        return MemoryMarshal.AsBytes(values).ToArray();
    }

    /// <summary>BYTES elements, each a 4-byte little-endian length and then its bytes.</summary>
    public static byte[] Strings(params string[] values)
    {
        var stream = new MemoryStream();
        Span<byte> prefix = stackalloc byte[4];
        foreach (var value in values)
        {
            var bytes = Encoding.UTF8.GetBytes(value);
            BinaryPrimitives.WriteUInt32LittleEndian(prefix, (uint)bytes.Length);
            stream.Write(prefix);
            stream.Write(bytes);
        }

        return stream.ToArray();
    }

    /// <summary>An answer's JSON part and each binary output's bytes, by output name, found by the header and the sizes.</summary>
    public static (JsonElement Json, Dictionary<string, byte[]> Outputs) Split(HttpResponseMessage response, byte[] body)
    {
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
        var jsonLength = int.Parse(response.Headers.GetValues(Header).Single(), System.Globalization.CultureInfo.InvariantCulture);
        var json = JsonDocument.Parse(body.AsMemory(0, jsonLength)).RootElement.Clone();
        var outputs = new Dictionary<string, byte[]>();
        var offset = jsonLength;
        foreach (var output in json.GetProperty("outputs").EnumerateArray())
        {
            if (output.TryGetProperty("parameters", out var parameters) && parameters.TryGetProperty("binary_data_size", out var size))
            {
                Assert.False(output.TryGetProperty("data", out _));
                outputs[output.GetProperty("name").GetString()!] = body[offset..(offset + size.GetInt32())];
                offset += size.GetInt32();
            }
        }

        Assert.Equal(body.Length, offset);
        return (json, outputs);
    }

    /// <summary>Splits BYTES elements back out of their framing.</summary>
    public static string[] ReadStrings(byte[] bytes)
    {
        var values = new List<string>();
        for (var offset = 0; offset < bytes.Length;)
        {
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset));
            values.Add(Encoding.UTF8.GetString(bytes, offset + 4, length));
            offset += 4 + length;
        }

        return [.. values];
    }
}
