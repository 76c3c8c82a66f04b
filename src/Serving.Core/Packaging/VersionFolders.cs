using System.Globalization;

namespace Serving.Core.Packaging;

/// <summary>Version folders of one model in a disk registry: <c>&lt;registry&gt;/&lt;model&gt;/&lt;version&gt;/</c>.</summary>
public static class VersionFolders
{
    /// <summary>Prefix of the folders a package is assembled in; the registry ignores them (not a positive integer).</summary>
    public const string StagingPrefix = ".staging-";

    /// <summary>The versions present under a model folder, ascending; folders not named by a positive integer are ignored.</summary>
    public static IReadOnlyList<int> Existing(string modelDirectory)
    {
        if (!Directory.Exists(modelDirectory))
        {
            return [];
        }

        return Directory.EnumerateDirectories(modelDirectory)
            .Select(Path.GetFileName)
            .Select(name => TryParseVersion(name, out var version) ? version : 0)
            .Where(v => v > 0)
            .Order()
            .ToList();
    }

    /// <summary>
    /// One more than the highest existing version, or 1. Throws <see cref="PackagingException"/> when the highest is
    /// <see cref="int.MaxValue"/>: there is no next number the registry would read as a version.
    /// </summary>
    public static int Next(string modelDirectory)
    {
        var existing = Existing(modelDirectory);
        if (existing.Count == 0)
        {
            return 1;
        }

        return existing[^1] < int.MaxValue
            ? existing[^1] + 1
            : throw new PackagingException(
                $"model '{Path.GetFileName(Path.TrimEndingDirectorySeparator(modelDirectory))}' already has version {int.MaxValue}, the highest version number; "
                + "there is no next one (publish under another model name)");
    }

    /// <summary>Whether a folder name is a version number as the registry reads it (positive, canonical digits).</summary>
    public static bool TryParseVersion(string? name, out int version) =>
        int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out version)
        && version > 0
        && name == version.ToString(CultureInfo.InvariantCulture);

    /// <summary>A fresh staging folder inside the model folder (same file system, so the final rename is atomic).</summary>
    public static string CreateStaging(string modelDirectory)
    {
        Directory.CreateDirectory(modelDirectory);
        var path = Path.Combine(modelDirectory, StagingPrefix + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>
    /// Renames a complete staging folder to a version folder in one step, so a registry never sees it half written.
    /// With <paramref name="version"/> null it takes the next free number, retrying when another writer wins a race.
    /// </summary>
    public static int Publish(string stagingDirectory, string modelDirectory, int? version)
    {
        for (var attempt = 0; ; attempt++)
        {
            var number = version ?? Next(modelDirectory);
            var target = Path.Combine(modelDirectory, number.ToString(CultureInfo.InvariantCulture));
            if (Directory.Exists(target))
            {
                if (version is not null)
                {
                    throw new PackagingException($"version {number} already exists at '{target}'");
                }

                continue;
            }

            try
            {
                Directory.Move(stagingDirectory, target);
                return number;
            }
            catch (IOException) when (version is null && attempt < 10 && Directory.Exists(target))
            {
                // Another writer took this number between the check and the rename; take the next one.
            }
        }
    }
}
