namespace Serving.Core.Runtimes.Onnx;

/// <summary>Graph rewrites ONNX Runtime applies when it loads a model.</summary>
public enum OnnxGraphOptimizationLevel
{
    /// <summary>No rewrites.</summary>
    None,

    /// <summary>Semantics-preserving rewrites such as constant folding.</summary>
    Basic,

    /// <summary>Basic plus node fusions.</summary>
    Extended,

    /// <summary>Every rewrite, layout changes included.</summary>
    All,
}
