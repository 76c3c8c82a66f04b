using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Core.Monitoring.Logging;

namespace Serving.Cli.Tests.Commands.Logs;

/// <summary>Prediction records one hour apart whose id follows their sequence number (r0, r1, ...).</summary>
internal static class PredictionRecords
{
    /// <summary>Records as the logger hands them to a sink.</summary>
    public static List<LoggedPrediction> Range(int start, int count, string model = "m") =>
        [.. Enumerable.Range(start, count).Select(i => LoggedPrediction.Of(Of(i, model)))];

    public static List<string> Ids(int start, int count) => [.. Enumerable.Range(start, count).Select(i => $"r{i}")];

    private static InferenceRecord Of(int i, string model) => new(
        model,
        1,
        RouteKind.Stable,
        "rest",
        DateTimeOffset.UnixEpoch.AddHours(i),
        TimeSpan.FromMilliseconds(1),
        null,
        new InferenceRequest { ModelName = model, Id = $"r{i}", Inputs = [Tensor.FromValues("x", TensorDataType.FP32, [1], (ReadOnlySpan<float>)[i])] },
        new InferenceResponse { ModelName = model, ModelVersion = "1", Id = $"r{i}", Outputs = [] });
}
