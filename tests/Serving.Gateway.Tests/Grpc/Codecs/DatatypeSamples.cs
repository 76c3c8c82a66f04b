using Google.Protobuf;
using Serving.Core.Contracts;
using Serving.Gateway.Grpc.Protocol;

namespace Serving.Gateway.Tests.Grpc.Codecs;

/// <summary>
/// Every OIP datatype with values whose little-endian bytes are written out by hand, so the codecs are checked
/// against the byte layout itself rather than against the same conversions they use.
/// </summary>
internal static class DatatypeSamples
{
    public static readonly DatatypeSample[] All =
    [
        new("BOOL", [1, 3], new() { BoolContents = { true, false, true } }, [1, 0, 1]),
        new("UINT8", [2], new() { UintContents = { 0, 255 } }, [0x00, 0xFF]),
        new("UINT16", [2], new() { UintContents = { 1, 65535 } }, [0x01, 0x00, 0xFF, 0xFF]),
        new("UINT32", [2], new() { UintContents = { 1, uint.MaxValue } }, [1, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF]),
        new("UINT64", [2], new() { Uint64Contents = { 2, ulong.MaxValue } }, [2, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]),
        new("INT8", [2], new() { IntContents = { -1, 127 } }, [0xFF, 0x7F]),
        new("INT16", [2], new() { IntContents = { -2, 300 } }, [0xFE, 0xFF, 0x2C, 0x01]),
        new("INT32", [2], new() { IntContents = { -1, 65536 } }, [0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x01, 0x00]),
        new("INT64", [2], new() { Int64Contents = { -1, 256 } }, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x01, 0, 0, 0, 0, 0, 0]),
        new("FP16", [2], new() { Fp32Contents = { 1.0f, -2.0f } }, [0x00, 0x3C, 0x00, 0xC0]),
        new("FP32", [2, 1], new() { Fp32Contents = { 1.0f, -2.5f } }, [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x20, 0xC0]),
        new("FP64", [2], new() { Fp64Contents = { 1.0, 0.5 } }, [0, 0, 0, 0, 0, 0, 0xF0, 0x3F, 0, 0, 0, 0, 0, 0, 0xE0, 0x3F]),
        new("BYTES", [3], new() { BytesContents = { ByteString.CopyFromUtf8("ab"), ByteString.Empty, ByteString.CopyFromUtf8("xyz") } },
            [2, 0, 0, 0, (byte)'a', (byte)'b', 0, 0, 0, 0, 3, 0, 0, 0, (byte)'x', (byte)'y', (byte)'z']),
        new("BF16", [2], null, [0x80, 0x3F, 0x00, 0xC0]),
    ];

    /// <summary>Datatypes that have a typed contents field.</summary>
    public static TheoryData<string> Typed => [.. All.Where(s => s.Typed is not null).Select(s => s.Datatype)];

    /// <summary>Datatypes the server answers with typed contents (FP16 is read typed but answered raw).</summary>
    public static TheoryData<string> TypedOutputs => [.. TypedOutputSamples.Select(s => s.Datatype)];

    public static IEnumerable<DatatypeSample> TypedOutputSamples => All.Where(s => s.Typed is not null && s.Datatype != "FP16");

    /// <summary>Every datatype; all travel raw.</summary>
    public static TheoryData<string> Raw => [.. All.Select(s => s.Datatype)];

    /// <summary>Fixed-size datatypes (everything but BYTES).</summary>
    public static TheoryData<string> FixedSize => [.. All.Where(s => s.Datatype != "BYTES").Select(s => s.Datatype)];

    public static DatatypeSample Get(string datatype) => All.Single(s => s.Datatype == datatype);

    /// <summary>The elements of the BYTES sample.</summary>
    public static byte[][] BytesElements => [[(byte)'a', (byte)'b'], [], [(byte)'x', (byte)'y', (byte)'z']];

    /// <summary>The sample as the gateway holds it, a canonical tensor named <c>y</c>: what an output of that datatype is.</summary>
    public static Tensor Canonical(DatatypeSample sample)
    {
        Assert.True(TensorDataTypes.TryParse(sample.Datatype, out var type));
        return type == TensorDataType.Bytes
            ? Tensor.FromElements("y", sample.Shape, BytesElements)
            : Tensor.FromBytes("y", type, sample.Shape, sample.Raw);
    }
}
