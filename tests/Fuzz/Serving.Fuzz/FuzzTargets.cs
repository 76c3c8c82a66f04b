using System.Reflection;
using System.Text.Json;
using Google.Protobuf;
using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Core.Packaging;
using Serving.Gateway.Grpc.Codecs;
using Serving.Gateway.Grpc.Protocol;
using Microsoft.AspNetCore.Http;
using Serving.Gateway.Rest.Mlflow;
using Serving.Gateway.Rest.Oip;

namespace Serving.Fuzz;

/// <summary>A decoder under fuzzing and the exceptions it documents for bad input.</summary>
internal sealed record FuzzTarget(Action<byte[]> Decode, Func<Exception, bool> IsDocumented);

/// <summary>
/// The request decoders under fuzzing, each with the exceptions it documents for bad input. Any other exception is a
/// crash: the gateway would answer it with a 500 (REST) or UNKNOWN (gRPC).
/// </summary>
internal static class FuzzTargets
{
    private delegate InferenceRequest OipRead(ReadOnlySpan<byte> body, string model, string? version, int maxIdLength);

    // The OIP reader is internal to the gateway; the fuzzer reaches it without widening the gateway's visibility.
    private static readonly OipRead OipReader = typeof(MlflowRequestDecoder).Assembly
        .GetType("Serving.Gateway.Rest.Oip.OipJsonRequestReader", throwOnError: true)!
        .GetMethod("Read", BindingFlags.Public | BindingFlags.Static)!
        .CreateDelegate<OipRead>();

    /// <summary>Four FP32 features, as the iris sample.</summary>
    private static readonly ModelMetadata Features = new(
        "iris",
        ["1"],
        "onnx_onnxv1",
        [new TensorSpec { Name = "input", Datatype = "FP32", Shape = [-1, 4], Features = ["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"] }],
        [new TensorSpec { Name = "label", Datatype = "INT64", Shape = [-1, 1] }],
        "multiclass",
        "1");

    /// <summary>One single-feature input per datatype, so every cell reader is reached.</summary>
    private static readonly ModelMetadata Mixed = new(
        "mixed",
        ["1"],
        "onnx_onnxv1",
        [
            new TensorSpec { Name = "count", Datatype = "INT64", Shape = [-1] },
            new TensorSpec { Name = "ratio", Datatype = "FP64", Shape = [-1, 1] },
            new TensorSpec { Name = "flag", Datatype = "BOOL", Shape = [-1] },
            new TensorSpec { Name = "city", Datatype = "BYTES", Shape = [-1] },
            new TensorSpec { Name = "small", Datatype = "INT32", Shape = [-1] },
        ],
        [new TensorSpec { Name = "score", Datatype = "FP32", Shape = [-1] }],
        "binary",
        "1");

    /// <summary>
    /// Each target with the exceptions its caller turns into a 4xx (OIP: OipErrors.TryDescribe; MLflow: the
    /// /invocations handler's catches; gRPC: a message that does not parse, then the decoder's BadRequest).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, FuzzTarget> All = new Dictionary<string, FuzzTarget>(StringComparer.Ordinal)
    {
        ["oip-json"] = new(OipJson, static e => e is InferenceException or JsonException),
        ["oip-binary"] = new(OipBinary, static e => e is InferenceException or JsonException),
        ["mlflow-json"] = new(body => Mlflow(body, "application/json"), static e => e is MlflowRequestException or InferenceException),
        ["mlflow-csv"] = new(body => Mlflow(body, "text/csv"), static e => e is MlflowRequestException or InferenceException),
        ["grpc-infer"] = new(GrpcInfer, static e => e is InvalidProtocolBufferException or InferenceException),
    };

    private static void OipJson(byte[] body) => OipReader(body, "iris", null, PredictionIds.DefaultMaxLength);

    // Triton's binary tensor data: the input's first line, when it starts with a digit or a sign, is the
    // Inference-Header-Content-Length header's value and the rest the body; otherwise the whole input is the body
    // and the header is absent.
    private static void OipBinary(byte[] input)
    {
        var headers = new HeaderDictionary();
        var body = input.AsSpan();
        var newline = body.IndexOf((byte)'\n');
        if (newline >= 0 && body.Length > 0 && (char.IsAsciiDigit((char)body[0]) || body[0] is (byte)'-' or (byte)'+'))
        {
            headers[OipBinaryRequestReader.HeaderName] = System.Text.Encoding.ASCII.GetString(body[..newline]);
            body = body[(newline + 1)..];
        }

        OipBinaryRequestReader.Read(body, headers, "iris", null, PredictionIds.DefaultMaxLength, keepJsonText: true, out _);
    }

    // A body that names the column "count" is decoded against the mixed model, any other against the iris-like one.
    private static void Mlflow(byte[] body, string contentType)
    {
        var model = body.AsSpan().IndexOf("count"u8) >= 0 ? Mixed : Features;
        MlflowRequestDecoder.Decode(body.AsMemory(), contentType, model);
    }

    // As the gRPC server does: parse the message (InvalidProtocolBufferException is INVALID_ARGUMENT there), then decode.
    private static void GrpcInfer(byte[] body) => GrpcTensorDecoder.Decode(ModelInferRequest.Parser.ParseFrom(body));
}
