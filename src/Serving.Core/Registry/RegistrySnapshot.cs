using System.Collections.Frozen;

namespace Serving.Core.Registry;

/// <summary>
/// What the registry serves at one moment. Immutable: the request path reads it without locks, and the
/// registry replaces it whole after each scan.
/// </summary>
public sealed class RegistrySnapshot
{
    public static readonly RegistrySnapshot Empty = new(FrozenDictionary<string, ModelEntry>.Empty, false);

    public RegistrySnapshot(FrozenDictionary<string, ModelEntry> models, bool initialScanComplete, string? folderProblem = null)
    {
        Models = models;
        InitialScanComplete = initialScanComplete;
        FolderProblem = folderProblem;
        ModelNames = [.. models.Keys.Order(StringComparer.Ordinal)];
    }

    public FrozenDictionary<string, ModelEntry> Models { get; }

    /// <summary>Model names in ordinal order.</summary>
    public IReadOnlyList<string> ModelNames { get; }

    /// <summary>True once every version folder present at start-up has been tried at least once.</summary>
    public bool InitialScanComplete { get; }

    /// <summary>Why the registry folder could not be read at the last scan (missing, not a folder, no permission); null when it could.</summary>
    public string? FolderProblem { get; }

    /// <summary>The registry has been read and its folder is readable (an empty registry is ready: models may arrive later).</summary>
    public bool IsReady => InitialScanComplete && FolderProblem is null;
}
