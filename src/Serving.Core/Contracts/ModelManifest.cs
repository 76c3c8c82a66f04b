namespace Serving.Core.Contracts;

/// <summary>
/// The manifest (<c>model.json</c>) of one packaged model version. The version number is the folder's
/// name and is deliberately absent, so copying a folder to a new number publishes a new version.
/// </summary>
public sealed record ModelManifest
{
    /// <summary>Manifest layout version, for future migrations.</summary>
    public int SchemaVersion { get; init; } = 1;

    /// <summary>Artifact format: <c>onnx</c> or <c>mlnet</c> (see <see cref="ModelFormats"/>).</summary>
    public required string Format { get; init; }

    /// <summary>Task: <c>binary</c>, <c>multiclass</c> or <c>regression</c> (see <see cref="ModelTasks"/>).</summary>
    public required string Task { get; init; }

    /// <summary>Inputs and outputs as the gateway serves them.</summary>
    public required ModelSignature Signature { get; init; }

    /// <summary>SHA-256 (lowercase hex) of every artifact file, keyed by file name relative to the version folder.</summary>
    public required IReadOnlyDictionary<string, string> Artifacts { get; init; }

    /// <summary>Where the model came from.</summary>
    public ModelLineage? Lineage { get; init; }

    /// <summary>Statistics of the training data that drift is measured against.</summary>
    public BaselineStatistics? Baseline { get; init; }

    /// <summary>A few example rows (feature name to value) used to warm a version up before it serves.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, double>>? Examples { get; init; }
}
