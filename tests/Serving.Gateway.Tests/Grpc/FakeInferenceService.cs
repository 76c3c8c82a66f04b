using Serving.Core.Contracts;
using Serving.Core.Inference;

namespace Serving.Gateway.Tests.Grpc;

/// <summary>
/// A small data plane for transport tests. "doubler" (version 3) doubles an FP32 input into "doubled" and
/// sums it into "total"; "echo" returns its inputs; "broken" exists but cannot serve; "crashing" fails inside;
/// "huge" refuses its payload; "faulty" throws what no data plane should (a bug). Anything else is unknown.
/// </summary>
internal sealed class FakeInferenceService : IInferenceService
{
    private static readonly string[] Known = ["broken", "crashing", "doubler", "echo", "faulty", "huge"];

    public ServerMetadata Server { get; } = new("fake-gateway", "0.1.0", ["model_repository"]);

    public bool IsServerReady { get; set; } = true;

    public IReadOnlyList<string> ModelNames => Known;

    public string? DefaultModel => "doubler";

    /// <summary>The last request the data plane received, to check what the transport passed through.</summary>
    public InferenceRequest? LastRequest { get; private set; }

    public ModelMetadata GetModelMetadata(string model, string? version)
    {
        RequireKnown(model, version);
        return new ModelMetadata(
            model,
            ["3"],
            "onnx_onnxv1",
            [new TensorSpec { Name = "x", Datatype = "FP32", Shape = [-1, 2] }],
            [new TensorSpec { Name = "doubled", Datatype = "FP32", Shape = [-1, 2] }, new TensorSpec { Name = "total", Datatype = "FP32", Shape = [-1] }],
            "regression",
            "3");
    }

    public InferenceRoute Route(string model, string? version, string? routingKey) =>
        new(GetModelMetadata(model, version), version is null ? RouteKind.Stable : RouteKind.Pinned);

    public bool IsModelReady(string model, string? version)
    {
        RequireKnown(model, version);
        return model != "broken";
    }

    public ValueTask<InferenceResponse> InferAsync(InferenceRequest request, CancellationToken cancellationToken)
    {
        LastRequest = request;
        RequireKnown(request.ModelName, request.Version);
        var outputs = request.ModelName switch
        {
            "doubler" => Double(request),
            "echo" => request.Inputs,
            "broken" => throw InferenceException.Unavailable("model 'broken' has no version that can serve: checksum mismatch"),
            "crashing" => throw new InferenceException(InferenceErrorKind.Internal, "runtime failed: out of memory"),
            "faulty" => throw new InvalidOperationException("a bug: " + new string('b', 1 << 20)),
            _ => throw new InferenceException(InferenceErrorKind.PayloadTooLarge, "request body is over 32 MiB"),
        };

        return ValueTask.FromResult(new InferenceResponse
        {
            ModelName = request.ModelName,
            ModelVersion = "3",
            Id = request.Id,
            Outputs = outputs,
        });
    }

    private static void RequireKnown(string model, string? version)
    {
        if (Array.IndexOf(Known, model) < 0)
        {
            throw InferenceException.NotFound($"model '{model}' is not known");
        }

        if (version is not null && version != "3")
        {
            throw InferenceException.NotFound($"model '{model}' has no version '{version}'");
        }
    }

    private static List<Tensor> Double(InferenceRequest request)
    {
        var input = request.Inputs.Single();
        if (input.DataType != TensorDataType.FP32 || input.Shape.Length != 2)
        {
            throw InferenceException.BadRequest($"input '{input.Name}' must be FP32 [-1,2]; got {input.DataType.ToProtocolName()}");
        }

        var values = input.AsSpan<float>();
        var doubled = new float[values.Length];
        var rows = (int)input.Shape[0];
        var total = new float[rows];
        for (var i = 0; i < values.Length; i++)
        {
            doubled[i] = values[i] * 2;
            total[i / 2] += values[i];
        }

        var all = new List<Tensor>
        {
            Tensor.FromValues<float>("doubled", TensorDataType.FP32, input.Shape, doubled),
            Tensor.FromValues<float>("total", TensorDataType.FP32, [rows], total),
        };
        var wanted = request.RequestedOutputs;
        return wanted is null or { Count: 0 } ? all : all.FindAll(t => wanted.Contains(t.Name));
    }
}
