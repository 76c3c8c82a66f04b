namespace Serving.Core.Runtimes.Onnx;

/// <summary>How ONNX Runtime executes the nodes of one call.</summary>
public enum OnnxExecutionMode
{
    /// <summary>Nodes run one after another on the calling thread (plus intra-op threads).</summary>
    Sequential,

    /// <summary>Independent branches of the graph run on the inter-op thread pool.</summary>
    Parallel,
}
