using System.Globalization;

namespace Serving.Tests.Shared;

/// <summary>
/// The sample model versions committed under <c>models/</c>, the only ones tests build registries from. A user
/// following README publishes into the same folder (<c>models/iris/2</c>, a <c>.tmp-*</c> folder half-way
/// through, a <c>.deployments.json</c>, a model of their own); tests copy these version folders by name and
/// ignore everything else there, so what a user has published never changes what a test sees.
/// </summary>
internal static class CommittedSamples
{
    /// <summary>Every committed version, by model; keep in step with <c>git ls-files models</c>.</summary>
    public static IReadOnlyList<(string Model, int Version)> Versions { get; } =
    [
        ("breast-cancer", 1),
        ("breast-cancer", 2),
        ("diabetes", 1),
        ("iris", 1),
    ];

    /// <summary>The repository's sample registry, which may hold more than the committed versions.</summary>
    public static string SourcePath { get; } = RepositoryPaths.Of("models");

    /// <summary>The committed models' names.</summary>
    public static IReadOnlyList<string> Models { get; } = [.. Versions.Select(v => v.Model).Distinct()];

    /// <summary>The folder of one committed version in the repository; fails for a version that is not committed.</summary>
    public static string PathOf(string model, int version)
    {
        if (!Versions.Contains((model, version)))
        {
            throw new ArgumentException($"{model} {version} is not a committed sample version ({Describe()})", nameof(model));
        }

        return Path.Combine(SourcePath, model, Text(version));
    }

    /// <summary>Copies the committed versions of <paramref name="models"/> (all committed models when empty) into <paramref name="registry"/>.</summary>
    public static void CopyTo(string registry, params string[] models) => CopyTo(SourcePath, registry, models);

    /// <summary>As <see cref="CopyTo(string, string[])"/>, from another source folder laid out like <c>models/</c>.</summary>
    public static void CopyTo(string source, string registry, IReadOnlyCollection<string> models)
    {
        ArgumentNullException.ThrowIfNull(models);
        var unknown = models.Except(Models).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"{string.Join(", ", unknown)}: not a committed sample model ({Describe()})", nameof(models));
        }

        foreach (var (model, version) in Versions.Where(v => models.Count == 0 || models.Contains(v.Model)))
        {
            CopyDirectory(Path.Combine(source, model, Text(version)), Path.Combine(registry, model, Text(version)));
        }
    }

    /// <summary>Copies one committed version into <paramref name="target"/> (a version folder, which may carry another number).</summary>
    public static void CopyVersion(string model, int version, string target) => CopyDirectory(PathOf(model, version), target);

    /// <summary>Copies a folder and everything below it; the target must not hold any of its files yet.</summary>
    public static void CopyDirectory(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }

        foreach (var directory in Directory.GetDirectories(source))
        {
            CopyDirectory(directory, Path.Combine(target, Path.GetFileName(directory)));
        }
    }

    private static string Text(int version) => version.ToString(CultureInfo.InvariantCulture);

    private static string Describe() => string.Join(", ", Versions.Select(v => $"{v.Model} {v.Version}"));
}
