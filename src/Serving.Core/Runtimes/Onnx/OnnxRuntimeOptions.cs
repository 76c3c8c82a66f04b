namespace Serving.Core.Runtimes.Onnx;

/// <summary>
/// ONNX Runtime session settings, bound from <c>Serving:Runtimes:Onnx</c>. The defaults suit a small server
/// that serves many single-row requests: each call runs on its caller's thread, and concurrency comes from
/// parallel requests rather than from threads inside one call.
/// </summary>
public sealed class OnnxRuntimeOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Serving:Runtimes:Onnx";

    /// <summary>Largest thread count accepted, to catch typos such as 1000.</summary>
    public const int MaxThreads = 256;

    /// <summary>Threads one operator may use; 1 runs it on the calling thread, 0 lets ONNX Runtime pick (one per core).</summary>
    public int IntraOpNumThreads { get; set; } = 1;

    /// <summary>Threads for independent graph branches in <see cref="OnnxExecutionMode.Parallel"/>; 0 lets ONNX Runtime pick.</summary>
    public int InterOpNumThreads { get; set; } = 1;

    /// <summary>Sequential by default: the models served are small and parallel mode only adds hand-offs.</summary>
    public OnnxExecutionMode ExecutionMode { get; set; } = OnnxExecutionMode.Sequential;

    /// <summary>Rewrites applied at load; All costs load time once and saves it on every call.</summary>
    public OnnxGraphOptimizationLevel GraphOptimizationLevel { get; set; } = OnnxGraphOptimizationLevel.All;

    /// <summary>
    /// Whether idle intra-op threads spin waiting for work. Off by default: spinning lowers latency a little
    /// but burns cores that a shared 2-core server needs for parsing requests.
    /// </summary>
    public bool AllowSpinning { get; set; }

    /// <summary>Returns one message per invalid setting; empty when the options are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (IntraOpNumThreads is < 0 or > MaxThreads)
        {
            errors.Add($"{SectionName}:IntraOpNumThreads must be between 0 and {MaxThreads}; got {IntraOpNumThreads}.");
        }

        if (InterOpNumThreads is < 0 or > MaxThreads)
        {
            errors.Add($"{SectionName}:InterOpNumThreads must be between 0 and {MaxThreads}; got {InterOpNumThreads}.");
        }

        if (!Enum.IsDefined(ExecutionMode))
        {
            errors.Add($"{SectionName}:ExecutionMode must be one of {string.Join(", ", Enum.GetNames<OnnxExecutionMode>())}; got {(int)ExecutionMode}.");
        }

        if (!Enum.IsDefined(GraphOptimizationLevel))
        {
            errors.Add($"{SectionName}:GraphOptimizationLevel must be one of {string.Join(", ", Enum.GetNames<OnnxGraphOptimizationLevel>())}; got {(int)GraphOptimizationLevel}.");
        }

        return errors;
    }
}
