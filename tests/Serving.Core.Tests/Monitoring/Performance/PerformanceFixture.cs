using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Serving.Core.Contracts;
using Serving.Core.Events;
using Serving.Core.Inference;
using Serving.Core.Monitoring.Performance;

namespace Serving.Core.Tests.Monitoring.Performance;

/// <summary>A monitor over three hand-made manifests (binary, multiclass, regression) on a fake clock, fed directly.</summary>
internal sealed class PerformanceFixture
{
    public PerformanceFixture(PerformanceOptions? options = null, IFeedbackLabelSink? labels = null, IGatewayEventPublisher? events = null)
    {
        Options = options ?? new PerformanceOptions { WindowRows = 4 };
        Monitor = new PerformanceMonitor(Manifest, Options, Time, NullLogger<PerformanceMonitor>.Instance, events, labels);
    }

    public PerformanceOptions Options { get; }

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.Parse("2026-03-01T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    public PerformanceMonitor Monitor { get; }

    /// <summary>A binary classifier answer: class and P(class 1), one row.</summary>
    public InferenceRecord BinaryRecord(string id, long label, float probability) =>
        Record("cancer", 1, id, Tensor.FromValues("label", TensorDataType.Int64, [1, 1], [label]), Tensor.FromValues("probability", TensorDataType.FP32, [1, 1], [probability]));

    /// <summary>Files a binary classifier answer directly.</summary>
    public void Binary(string id, long label, float probability, int version = 1) =>
        Monitor.Ingest(Record("cancer", version, id, Tensor.FromValues("label", TensorDataType.Int64, [1, 1], [label]), Tensor.FromValues("probability", TensorDataType.FP32, [1, 1], [probability])));

    /// <summary>A multiclass answer over three classes, one row per entry of <paramref name="labels"/>.</summary>
    public void Multiclass(string id, long[] labels, float[] probabilities) =>
        Monitor.Ingest(Record("flowers", 1, id, Tensor.FromValues("label", TensorDataType.Int64, [labels.Length, 1], labels), Tensor.FromValues("probability", TensorDataType.FP32, [labels.Length, 3], probabilities)));

    public void Regression(string id, float value) =>
        Monitor.Ingest(Record("sugar", 1, id, Tensor.FromValues("prediction", TensorDataType.FP32, [1], [value])));

    public FeedbackResult Feedback(string id, params FeedbackLabel[] labels) => Monitor.AddFeedback([new FeedbackItem(id, labels)]);

    public VersionPerformance Version(string model, int version = 1) => Monitor.Report(model).Versions.Single(v => v.Version == version);

    public static double? Metric(WindowSummary? window, string name) => window!.Metrics.Single(m => m.Name == name).Value;

    public InferenceRecord Record(string model, int version, string id, params Tensor[] outputs)
    {
        var request = new InferenceRequest { ModelName = model, Inputs = [] };
        var response = new InferenceResponse { ModelName = model, ModelVersion = version.ToString(System.Globalization.CultureInfo.InvariantCulture), Id = id, Outputs = outputs };
        return new InferenceRecord(model, version, RouteKind.Stable, "rest", Time.GetUtcNow(), TimeSpan.FromMilliseconds(1), null, request, response);
    }

    /// <summary>The hand-made manifest of a model, as the monitor's own look-up finds it.</summary>
    public static ModelManifest? ManifestOf(string model, int version) => Manifest(model, version);

    private static ModelManifest? Manifest(string model, int version) => model switch
    {
        "cancer" => Make(ModelTasks.Binary, [Output("label", "INT64", 1), Output("probability", "FP32", 1)], "label", ["malignant", "benign"]),
        "flowers" => Make(ModelTasks.Multiclass, [Output("label", "INT64", 1), Output("probability", "FP32", 3)], "label", ["setosa", "versicolor", "virginica"]),
        "sugar" => Make(ModelTasks.Regression, [new TensorSpec { Name = "prediction", Datatype = "FP32", Shape = [-1] }], "prediction", null),
        _ => null,
    };

    private static readonly Dictionary<string, ModelManifest> Made = [];

    private static ModelManifest Make(string task, TensorSpec[] outputs, string prediction, string[]? classes)
    {
        lock (Made)
        {
            if (!Made.TryGetValue(task, out var manifest))
            {
                Made[task] = manifest = new ModelManifest
                {
                    Format = ModelFormats.Onnx,
                    Task = task,
                    Signature = new ModelSignature
                    {
                        Inputs = [new TensorSpec { Name = "input", Datatype = "FP32", Shape = [-1, 2] }],
                        Outputs = outputs,
                        PredictionOutput = prediction,
                        Classes = classes,
                    },
                    Artifacts = new Dictionary<string, string>(),
                };
            }

            return manifest;
        }
    }

    private static TensorSpec Output(string name, string datatype, int width) => new() { Name = name, Datatype = datatype, Shape = [-1, width] };
}
