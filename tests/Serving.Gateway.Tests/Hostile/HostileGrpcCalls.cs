using FsCheck;
using FsCheck.Fluent;
using Google.Protobuf;
using Grpc.Core;
using Serving.Gateway.Grpc.Protocol;

namespace Serving.Gateway.Tests.Hostile;

/// <summary>One generated gRPC call: what it is (for failure messages) and how to make it.</summary>
internal sealed record HostileGrpcCall(string Label, Func<CallInvoker, CallOptions, Task> Call);

/// <summary>The generated gRPC calls: garbage protobuf, invalid UTF-8, odd and huge names, wrong contents and shapes.</summary>
internal static class HostileGrpcCalls
{
    private static readonly string[] Methods = ["ModelInfer", "ModelMetadata", "ModelReady"];

    private static readonly Gen<string> OddName = Gen.Frequency(
        (5, Gen.Elements("iris", "input", "label", "probability", string.Empty, "../x", "名前", "a\0b", "line\r\nX-Injected: 1", "\u001b[31m", "\ud800", "x\udc00", "INPUT")),
        (2, Gen.Choose(65, 400).Select(n => new string('n', n))),
        (1, Gen.Choose(2_000, 30_000).Select(n => new string('L', n))),
        (2, Gen.Choose(0, 1_000_000).Select(n => $"grpc-{n}")));

    private static readonly Gen<string> Datatype = Gen.Frequency(
        (5, Gen.Elements("FP32", "FP64", "INT64", "INT32", "BOOL", "BYTES", "UINT64", "FP16")),
        (2, OddName));

    private static readonly Gen<long[]> Shape = Gen.Frequency(
        (5, Gen.Elements<long[]>([1, 4], [2, 4], [4], [0, 4], [], [-1, 4], [1, -4])),
        (2, Gen.Elements<long[]>([long.MaxValue, long.MaxValue], [1L << 32, 1L << 32], [1L << 62, 4], [long.MinValue])),
        (1, Gen.Choose(5, 70).Select(n => Enumerable.Repeat(2L, n).ToArray())));

    private static readonly Gen<InferTensorContents?> Contents = Gen.Frequency(
        (4, Gen.Elements<float[]>([6.3f, 3.3f, 6f, 2.5f], [1f, 2f], [float.NaN, float.PositiveInfinity, 1f, 2f], [], [1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f]).Select(v => (InferTensorContents?)new InferTensorContents { Fp32Contents = { v } })),
        (2, Gen.Elements<InferTensorContents?>(
            null,
            new InferTensorContents { Int64Contents = { 1, 2, 3, 4 } },
            new InferTensorContents { BoolContents = { true, false, true, false } },
            new InferTensorContents { BytesContents = { ByteString.CopyFrom([0xFF, 0xFE]), ByteString.Empty, ByteString.CopyFromUtf8("x"), ByteString.CopyFromUtf8("y") } },
            new InferTensorContents { Fp32Contents = { 1f, 2f, 3f, 4f }, Fp64Contents = { 1, 2, 3, 4 } },
            new InferTensorContents { Uint64Contents = { ulong.MaxValue, 0, 1, 2 } })),
        (1, Gen.Choose(5, 50_000).Select(n => (InferTensorContents?)new InferTensorContents { Fp32Contents = { Enumerable.Repeat(1f, n) } })));

    private static readonly Gen<ByteString[]> Raw = Gen.Frequency(
        (6, Gen.Constant(Array.Empty<ByteString>())),
        (1, Gen.Elements<ByteString[]>([ByteString.CopyFrom(new byte[16])], [ByteString.CopyFrom(new byte[15])], [ByteString.Empty], [ByteString.CopyFrom(new byte[16]), ByteString.CopyFrom(new byte[16])], [ByteString.CopyFrom(0xFF, 0xFF, 0xFF, 0xFF)])));

    private static readonly Gen<ModelInferRequest> Structured =
        from model in Gen.Frequency((3, Gen.Constant("iris")), (1, OddName))
        from version in Gen.Elements(string.Empty, string.Empty, "1", "0", "-1", "abc", "99999999999999999999")
        from id in Gen.Frequency((2, Gen.Constant(string.Empty)), (1, OddName))
        from inputName in Gen.Frequency((2, Gen.Constant("input")), (1, OddName))
        from datatype in Gen.Frequency((2, Gen.Constant("FP32")), (1, Datatype))
        from shape in Shape
        from contents in Contents
        from inputs in Gen.Elements(1, 1, 1, 0, 2)
        from outputs in Gen.Frequency((3, Gen.Constant(Array.Empty<string>())), (1, OddName.ArrayOf(2)), (1, Gen.Choose(2, 5_000).Select(n => Enumerable.Repeat("label", n).ToArray())))
        from raw in Raw
        select Build(model, version, id, inputName, datatype, shape, contents, inputs, outputs, raw);

    public static HostileGrpcCall[] Sample(int count)
    {
        var garbage = from method in Gen.Elements(Methods)
                      from bytes in HostileGen.Garbage
                      select new HostileGrpcCall($"{method} garbage ({bytes.Length} bytes)", (invoker, options) => invoker.AsyncUnaryCall(HostileSenders.RawMethod(method), null, options, bytes).ResponseAsync);
        // Field 1 (model_name) and field 3 (id) as length-delimited bytes that are not UTF-8.
        var badUtf8 = Gen.Elements<byte[]>([0x0A, 0x03, 0xFF, 0xFE, 0x41], [0x0A, 0x04, 0x69, 0x72, 0x69, 0x73, 0x1A, 0x02, 0xC0, 0x80], [0x0A, 0x02, 0xED, 0xA0])
            .SelectMany(bytes => Gen.Elements(Methods).Select(method => new HostileGrpcCall($"{method} invalid UTF-8 string", (invoker, options) => invoker.AsyncUnaryCall(HostileSenders.RawMethod(method), null, options, bytes).ResponseAsync)));
        var structured = Structured.Select(r => new HostileGrpcCall(Describe(r), (invoker, options) => new GRPCInferenceService.GRPCInferenceServiceClient(invoker).ModelInferAsync(r, options).ResponseAsync));
        var metadata = OddName.Select(n => new HostileGrpcCall($"ModelMetadata {Cut(n)}", (invoker, options) => new GRPCInferenceService.GRPCInferenceServiceClient(invoker).ModelMetadataAsync(new ModelMetadataRequest { Name = n }, options).ResponseAsync));
        var calls = Gen.Frequency((3, garbage), (1, badUtf8), (8, structured), (1, metadata));

        // Names past what a client can read back in grpc-message (about 65 KB): a handful, since each hangs to its deadline where echoed in full.
        var huge = new[] { "model", "input", "output", "datatype" }.SelectMany(field => new[] { 70_000, 1 << 20 }.Select(size =>
        {
            var big = new string('h', size);
            var request = field switch
            {
                "model" => Build(big, string.Empty, string.Empty, "input", "FP32", [1, 4], null, 1, [], []),
                "input" => Build("iris", string.Empty, string.Empty, big, "FP32", [1, 4], null, 1, [], []),
                "output" => Build("iris", string.Empty, string.Empty, "input", "FP32", [1, 4], new InferTensorContents { Fp32Contents = { 6.3f, 3.3f, 6f, 2.5f } }, 1, [big], []),
                _ => Build("iris", string.Empty, string.Empty, "input", big, [1, 4], null, 1, [], []),
            };
            return new HostileGrpcCall($"ModelInfer with a {size}-character {field} name", (invoker, options) => new GRPCInferenceService.GRPCInferenceServiceClient(invoker).ModelInferAsync(request, options).ResponseAsync);
        }));
        return [.. HostileGen.Sample(calls, seed: 11_006, count - 8), .. huge];
    }

    private static ModelInferRequest Build(string model, string version, string id, string inputName, string datatype, long[] shape, InferTensorContents? contents, int inputs, string[] outputs, ByteString[] raw)
    {
        var request = new ModelInferRequest { ModelName = model, ModelVersion = version, Id = id };
        for (var i = 0; i < inputs; i++)
        {
            var input = new ModelInferRequest.Types.InferInputTensor { Name = inputName, Datatype = datatype, Shape = { shape } };
            if (contents is not null && raw.Length == 0)
            {
                input.Contents = contents;
            }

            request.Inputs.Add(input);
        }

        request.Outputs.AddRange(outputs.Select(o => new ModelInferRequest.Types.InferRequestedOutputTensor { Name = o }));
        request.RawInputContents.AddRange(raw);
        return request;
    }

    private static string Describe(ModelInferRequest r) =>
        $"ModelInfer model={Cut(r.ModelName)} id={Cut(r.Id)} inputs=[{string.Join(",", r.Inputs.Select(i => $"{Cut(i.Name)}:{Cut(i.Datatype)}[{string.Join(",", i.Shape)}]"))}] outputs={r.Outputs.Count} raw={r.RawInputContents.Count}";

    private static string Cut(string s) => s.Length > 40 ? $"{s[..40]}...({s.Length})" : s;
}
