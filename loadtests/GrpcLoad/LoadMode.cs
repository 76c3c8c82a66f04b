namespace Serving.LoadTests.GrpcLoad;

/// <summary>How the input tensor travels in ModelInferRequest.</summary>
internal enum LoadMode
{
    /// <summary>In the typed <c>contents</c> field (fp32_contents, fp64_contents).</summary>
    Typed,

    /// <summary>As little-endian bytes in <c>raw_input_contents</c>.</summary>
    Raw,
}
