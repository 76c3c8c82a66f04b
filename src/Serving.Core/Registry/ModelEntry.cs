using System.Collections.Frozen;

namespace Serving.Core.Registry;

/// <summary>One model in a snapshot: every version's status, the loaded generations and the default one.</summary>
public sealed class ModelEntry
{
    public ModelEntry(string name, IReadOnlyList<ModelVersionStatus> versions, FrozenDictionary<int, ModelGeneration> loaded)
    {
        Name = name;
        Versions = versions;
        Loaded = loaded;
        Default = loaded.Count == 0 ? null : loaded[loaded.Keys.Max()];
        ReadyVersions = [.. loaded.Keys.Order().Select(v => loaded[v].VersionText)];
    }

    public string Name { get; }

    /// <summary>Every known version, ascending, with its state and reason.</summary>
    public IReadOnlyList<ModelVersionStatus> Versions { get; }

    /// <summary>Generations that can serve, by version.</summary>
    public FrozenDictionary<int, ModelGeneration> Loaded { get; }

    /// <summary>The generation that serves requests that pin no version: the newest ready one.</summary>
    public ModelGeneration? Default { get; }

    /// <summary>Ready versions, ascending, as text.</summary>
    public IReadOnlyList<string> ReadyVersions { get; }
}
