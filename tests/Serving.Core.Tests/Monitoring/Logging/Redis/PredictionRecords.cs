using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Core.Monitoring.Logging;

namespace Serving.Core.Tests.Monitoring.Logging.Redis;

/// <summary>Small prediction records whose id, input and time follow their sequence number.</summary>
internal static class PredictionRecords
{
    public static InferenceRecord Of(int i, string model = "m", int version = 1) => new(
        model,
        version,
        RouteKind.Stable,
        "rest",
        DateTimeOffset.UnixEpoch.AddSeconds(i),
        TimeSpan.FromMilliseconds(1),
        null,
        new InferenceRequest { ModelName = model, Id = $"r{i}", Inputs = [Tensor.FromValues("x", TensorDataType.FP32, [1], (ReadOnlySpan<float>)[i])] },
        new InferenceResponse { ModelName = model, ModelVersion = version.ToString(System.Globalization.CultureInfo.InvariantCulture), Id = $"r{i}", Outputs = [] });

    /// <summary>Records as the logger hands them to a sink.</summary>
    public static List<LoggedPrediction> Range(int start, int count, string model = "m") =>
        [.. Enumerable.Range(start, count).Select(i => LoggedPrediction.Of(Of(i, model)))];

    public static IEnumerable<string> Ids(int start, int count) => Enumerable.Range(start, count).Select(i => $"r{i}");
}
