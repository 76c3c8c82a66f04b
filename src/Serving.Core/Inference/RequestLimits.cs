using System.ComponentModel.DataAnnotations;

namespace Serving.Core.Inference;

/// <summary>
/// What one inference request may hold (<c>Serving:Limits</c>), checked by <see cref="RequestValidator"/> before any
/// runtime sees it. The body size bounds the bytes a caller sends; these bound the work a runtime is asked for, in the
/// units an operator sizes a model by, and are checked on the shape alone, before the data is counted.
/// </summary>
public sealed class RequestLimits
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Serving:Limits";

    /// <summary>Rows (the leading, batch dimension) of one input of a batched model.</summary>
    [Range(1, 100_000_000)]
    public int MaxRowsPerRequest { get; set; } = 100_000;

    /// <summary>Elements of one input tensor: the product of its shape.</summary>
    [Range(1, int.MaxValue)]
    public int MaxTensorElements { get; set; } = 16_777_216;
}
