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
            errors.Add($"{SectionName}:IntraOpNumThreads is '{IntraOpNumThreads}'; use a whole number from 0 to {MaxThreads}");
        }

        if (InterOpNumThreads is < 0 or > MaxThreads)
        {
            errors.Add($"{SectionName}:InterOpNumThreads is '{InterOpNumThreads}'; use a whole number from 0 to {MaxThreads}");
        }

        if (!Enum.IsDefined(ExecutionMode))
        {
            errors.Add($"{SectionName}:ExecutionMode is '{(int)ExecutionMode}'; use one of {string.Join(", ", Enum.GetNames<OnnxExecutionMode>())}");
        }

        if (!Enum.IsDefined(GraphOptimizationLevel))
        {
            errors.Add($"{SectionName}:GraphOptimizationLevel is '{(int)GraphOptimizationLevel}'; use one of {string.Join(", ", Enum.GetNames<OnnxGraphOptimizationLevel>())}");
        }

        return errors;
    }
}
