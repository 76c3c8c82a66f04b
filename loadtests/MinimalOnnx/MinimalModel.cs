using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Serving.LoadTests.MinimalOnnx;

/// <summary>One output of the graph as a single row gives it: its name, element type and shape.</summary>
internal sealed record MinimalOutput(string Name, bool IsInt64, long[] Shape)
{
    public int Count => (int)Shape.Aggregate(1L, (a, b) => a * b);
}

/// <summary>
/// The session and what a single-row call needs of the graph: one FP32 input of shape [n, width], and FP32 or INT64
/// outputs whose dynamic dimensions a single row makes 1. Session settings are the gateway's defaults
/// (Serving:Onnx), so both sides run the graph the same way.
/// </summary>
internal sealed class MinimalModel : IDisposable
{
    public MinimalModel(string path)
    {
        using var options = new Microsoft.ML.OnnxRuntime.SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        options.AddSessionConfigEntry("session.inter_op.allow_spinning", "0");
        Session = new InferenceSession(path, options);

        var input = Session.InputMetadata.Single();
        if (input.Value.ElementDataType != TensorElementType.Float || input.Value.Dimensions is not [_, > 0])
        {
            throw new InvalidOperationException($"input '{input.Key}' is not FP32 of shape [n, k]");
        }

        InputName = input.Key;
        Width = input.Value.Dimensions[1];
        Outputs = [.. Session.OutputMetadata.Select(o => new MinimalOutput(
            o.Key,
            o.Value.ElementDataType switch
            {
                TensorElementType.Float => false,
                TensorElementType.Int64 => true,
                var other => throw new InvalidOperationException($"output '{o.Key}' is {other}; only FP32 and INT64 are written"),
            },
            [.. o.Value.Dimensions.Select(d => d > 0 ? (long)d : 1L)]))];
    }

    public InferenceSession Session { get; }

    public string InputName { get; }

    public int Width { get; }

    public MinimalOutput[] Outputs { get; }

    public void Dispose() => Session.Dispose();
}
