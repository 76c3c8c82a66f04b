using System.Globalization;
using Serving.Core.Packaging;
using Serving.Core.Registry;
using Serving.Core.Runtimes;

namespace Serving.Cli.Scoring;

/// <summary>
/// Loads one version from a registry folder exactly as the gateway does (<see cref="ModelVersionLoader"/>: manifest
/// rules, artifact checksums, the runtime, signature agreement, warm-up), so a file is scored by the same model.
/// </summary>
internal static class ScoringModel
{
    /// <summary>The version asked for, or the highest one in the registry; refuses one that does not load, with the loader's reason.</summary>
    public static ModelGeneration Load(ModelRuntimeFactories factories, string registry, string model, int? version)
    {
        if (!Directory.Exists(registry))
        {
            throw new ScoringException($"registry folder '{registry}' does not exist");
        }

        var modelDirectory = Path.Combine(registry, model);
        var versions = model.Length == 0 || model.IndexOfAny(['/', '\\']) >= 0 || model is "." or ".." ? [] : VersionFolders.Existing(modelDirectory);
        if (versions.Count == 0)
        {
            var models = Directory.EnumerateDirectories(registry)
                .Where(d => VersionFolders.Existing(d).Count > 0)
                .Select(Path.GetFileName)
                .Order(StringComparer.Ordinal)
                .ToList();
            var known = models.Count == 0 ? "it holds no models" : $"it holds {string.Join(", ", models)}";
            throw new ScoringException($"model '{model}' not found in registry '{registry}'; {known}");
        }

        var chosen = version ?? versions[^1];
        if (!versions.Contains(chosen))
        {
            throw new ScoringException($"model '{model}' has no version {chosen}; its versions are {string.Join(", ", versions)}");
        }

        var directory = Path.Combine(modelDirectory, chosen.ToString(CultureInfo.InvariantCulture));
        var result = new ModelVersionLoader(factories).Load(model, chosen, directory);
        return result.Generation
            ?? throw new ScoringException($"version {chosen} of model '{model}' cannot be loaded: {result.Reason}");
    }
}
