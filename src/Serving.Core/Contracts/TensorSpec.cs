using System.Text.Json.Serialization;

namespace Serving.Core.Contracts;

/// <summary>One input or output of a signature.</summary>
public sealed record TensorSpec
{
    /// <summary>Name callers use.</summary>
    public required string Name { get; init; }

    /// <summary>OIP datatype name, for example <c>FP32</c>.</summary>
    public required string Datatype { get; init; }

    /// <summary>Dimensions; -1 marks a variable one (normally the batch).</summary>
    public required IReadOnlyList<long> Shape { get; init; }

    /// <summary>Name inside the artifact when it differs from <see cref="Name"/> (e.g. ML.NET's <c>PredictedLabel.output</c>).</summary>
    public string? Source { get; init; }

    /// <summary>
    /// Feature names carried by this input: for an [N,k] input, element i of a row is feature i. Null means
    /// the input is a single feature named like the input.
    /// </summary>
    public IReadOnlyList<string>? Features { get; init; }

    /// <summary>Whether NaN and infinities may be passed (some models read NaN as missing); false by default.</summary>
    public bool AllowNonFinite { get; init; }

    /// <summary>The artifact's own name for this tensor.</summary>
    [JsonIgnore]
    public string SourceName => Source ?? Name;
}
