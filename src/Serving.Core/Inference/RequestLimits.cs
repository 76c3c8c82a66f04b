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

    /// <summary>
    /// Characters of a caller's own prediction id (a request's <c>id</c>, a feedback item's <c>id</c>). Ids go back in
    /// the <c>X-Prediction-Id</c> header and into every log line of the request, and feedback holds them in memory.
    /// </summary>
    [Range(1, 1024)]
    public int MaxIdLength { get; set; } = PredictionIds.DefaultMaxLength;

    /// <summary>
    /// Characters of a model, version, input or output name in an inference request. No served name is longer (a
    /// folder name is at most 255 bytes); a longer one is refused before any lookup, whatever its form.
    /// </summary>
    [Range(1, 4096)]
    public int MaxNameLength { get; set; } = 256;

    /// <summary>
    /// Characters of a gRPC status message (<c>grpc-message</c>). Messages may quote caller text, and a client cannot
    /// read trailers over its header limit (16 to 64 KB): that call and the next on its channel would hang.
    /// </summary>
    [Range(128, 16_384)]
    public int MaxStatusMessageLength { get; set; } = 1024;
}
