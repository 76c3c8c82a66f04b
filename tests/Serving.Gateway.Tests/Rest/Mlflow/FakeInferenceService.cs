using Serving.Core.Contracts;
using Serving.Core.Inference;

namespace Serving.Gateway.Tests.Rest.Mlflow;

/// <summary>
/// A data plane over <see cref="MlflowTestModels.Classifier"/> that computes its outputs from the inputs:
/// label = 1 when a + b + c &gt; 0, probability = [a, b]. Echoing features lets tests see order and formatting.
/// </summary>
internal sealed class FakeInferenceService : IInferenceService
{
    public ModelMetadata Metadata { get; init; } = MlflowTestModels.Classifier();

    public string? DefaultModel { get; set; } = "m";

    public bool Ready { get; set; } = true;

    /// <summary>Answer only the label output, as a single-output model does.</summary>
    public bool LabelOnly { get; set; }

    /// <summary>When set, InferAsync throws it, as the data plane does for requests it refuses.</summary>
    public InferenceException? Failure { get; set; }

    public InferenceRequest? LastRequest { get; private set; }

    public ServerMetadata Server { get; } = new("fake", "0", []);

    public bool IsServerReady => Ready;

    public IReadOnlyList<string> ModelNames { get; set; } = ["m"];

    public ModelMetadata GetModelMetadata(string model, string? version) =>
        model == Metadata.Name ? Metadata : throw InferenceException.NotFound($"Model '{model}' does not exist.");

    public InferenceRoute Route(string model, string? version, string? routingKey) =>
        new(GetModelMetadata(model, version), version is null ? RouteKind.Stable : RouteKind.Pinned);

    public bool IsModelReady(string model, string? version) =>
        model == Metadata.Name ? Ready : throw InferenceException.NotFound($"Model '{model}' does not exist.");

    public ValueTask<InferenceResponse> InferAsync(InferenceRequest request, CancellationToken cancellationToken)
    {
        LastRequest = request;
        if (Failure is not null)
        {
            throw Failure;
        }

        var input = request.Inputs.Single();
        var rows = (int)input.Shape[0];
        var features = input.AsSpan<float>();
        var labels = new long[rows];
        var probability = new float[rows * 2];
        for (var row = 0; row < rows; row++)
        {
            var values = features.Slice(row * 3, 3);
            labels[row] = values[0] + values[1] + values[2] > 0 ? 1 : 0;
            probability[row * 2] = values[0];
            probability[(row * 2) + 1] = values[1];
        }

        var label = Tensor.FromValues<long>("label", TensorDataType.Int64, [rows], labels);
        Tensor[] outputs = LabelOnly
            ? [label]
            : [label, Tensor.FromValues<float>("probability", TensorDataType.FP32, [rows, 2], probability)];
        return ValueTask.FromResult(new InferenceResponse { ModelName = request.ModelName, ModelVersion = "7", Outputs = outputs });
    }
}
