using Microsoft.ML.OnnxRuntime;

namespace Serving.Core.Runtimes.Onnx;

/// <summary>Creates ONNX Runtime sessions from the gateway's options, turning load failures into reasons.</summary>
internal static class OnnxSessions
{
    public static SessionOptions CreateSessionOptions(OnnxRuntimeOptions options)
    {
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        var sessionOptions = new SessionOptions
        {
            IntraOpNumThreads = options.IntraOpNumThreads,
            InterOpNumThreads = options.InterOpNumThreads,
            ExecutionMode = options.ExecutionMode == OnnxExecutionMode.Parallel
                ? ExecutionMode.ORT_PARALLEL
                : ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = options.GraphOptimizationLevel switch
            {
                OnnxGraphOptimizationLevel.None => GraphOptimizationLevel.ORT_DISABLE_ALL,
                OnnxGraphOptimizationLevel.Basic => GraphOptimizationLevel.ORT_ENABLE_BASIC,
                OnnxGraphOptimizationLevel.Extended => GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
                _ => GraphOptimizationLevel.ORT_ENABLE_ALL,
            },
        };
        sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", options.AllowSpinning ? "1" : "0");
        sessionOptions.AddSessionConfigEntry("session.inter_op.allow_spinning", options.AllowSpinning ? "1" : "0");
        return sessionOptions;
    }

    public static InferenceSession Open(string path, SessionOptions sessionOptions)
    {
        if (!File.Exists(path))
        {
            throw new ModelLoadException($"ONNX model file '{path}' does not exist");
        }

        try
        {
            return new InferenceSession(path, sessionOptions);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new ModelLoadException($"ONNX Runtime could not load '{path}': {ex.Message}", ex);
        }
    }
}
