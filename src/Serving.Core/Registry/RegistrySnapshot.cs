using System.Collections.Frozen;

namespace Serving.Core.Registry;

/// <summary>
/// What the registry serves at one moment. Immutable: the request path reads it without locks, and the
/// registry replaces it whole after each scan.
/// </summary>
public sealed class RegistrySnapshot
{
    public static readonly RegistrySnapshot Empty = new(FrozenDictionary<string, ModelEntry>.Empty, false);

    public RegistrySnapshot(FrozenDictionary<string, ModelEntry> models, bool initialScanComplete)
    {
        Models = models;
        InitialScanComplete = initialScanComplete;
        ModelNames = [.. models.Keys.Order(StringComparer.Ordinal)];
    }

    public FrozenDictionary<string, ModelEntry> Models { get; }

    /// <summary>Model names in ordinal order.</summary>
    public IReadOnlyList<string> ModelNames { get; }

    /// <summary>True once every version folder present at start-up has been tried at least once.</summary>
    public bool InitialScanComplete { get; }
}
