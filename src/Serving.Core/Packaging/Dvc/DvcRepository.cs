using Serving.Core.Contracts;

namespace Serving.Core.Packaging.Dvc;

/// <summary>A DVC repository: the nearest folder at or above a path that holds a <c>.dvc</c> folder.</summary>
public static class DvcRepository
{
    /// <summary>The repository root holding <paramref name="path"/> (a file or folder), or null when none does.</summary>
    public static string? FindRoot(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        for (var folder = System.IO.Directory.Exists(full) ? full : System.IO.Path.GetDirectoryName(full); folder is not null; folder = System.IO.Path.GetDirectoryName(folder))
        {
            if (IsRoot(folder))
            {
                return folder;
            }
        }

        return null;
    }

    /// <summary>True when <paramref name="folder"/> holds a <c>.dvc</c> folder (what <c>dvc init</c> makes).</summary>
    public static bool IsRoot(string folder) => System.IO.Directory.Exists(System.IO.Path.Combine(folder, ".dvc"));

    /// <summary>The path relative to the root with <c>/</c> separators, as DVC writes paths whatever the OS.</summary>
    public static string Relative(string root, string path) =>
        System.IO.Path.GetRelativePath(root, System.IO.Path.GetFullPath(path)).Replace('\\', '/');

    /// <summary>
    /// How a data file appears to DVC: its md5 and size, and, when it lies in a DVC repository, its path there and the
    /// <c>.dvc</c> file beside it if one exists.
    /// </summary>
    public static TrainingDataReference Describe(TrainingDataReference reference, string dataPath)
    {
        var root = FindRoot(dataPath);
        var dvcFile = dataPath + DvcFiles.Extension;
        return reference with
        {
            Md5 = DvcMd5.OfFile(dataPath),
            Size = new FileInfo(dataPath).Length,
            Path = root is null ? null : Relative(root, dataPath),
            DvcFile = root is not null && File.Exists(dvcFile) ? Relative(root, dvcFile) : null,
        };
    }
}
