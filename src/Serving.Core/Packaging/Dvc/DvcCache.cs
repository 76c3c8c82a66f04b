namespace Serving.Core.Packaging.Dvc;

/// <summary>
/// Where a DVC repository's local cache keeps a file by its md5: DVC 3 under <c>.dvc/cache/files/md5/&lt;first
/// two&gt;/&lt;rest&gt;</c>, DVC 2 under <c>.dvc/cache/&lt;first two&gt;/&lt;rest&gt;</c>. (A cache moved with
/// <c>dvc cache dir</c> is not followed; name the repository whose <c>.dvc/cache</c> holds the data.)
/// </summary>
public static class DvcCache
{
    /// <summary>The repository's default cache folder.</summary>
    public static string Directory(string repositoryRoot) => System.IO.Path.Combine(repositoryRoot, ".dvc", "cache");

    /// <summary>DVC 3's place for the md5: <c>files/md5/xx/rest</c>.</summary>
    public static string FilesMd5Path(string repositoryRoot, string md5)
    {
        var hash = md5.ToLowerInvariant();
        return System.IO.Path.Combine(Directory(repositoryRoot), "files", "md5", hash[..2], hash[2..]);
    }

    /// <summary>DVC 2's place for the md5: <c>xx/rest</c>.</summary>
    public static string LegacyPath(string repositoryRoot, string md5)
    {
        var hash = md5.ToLowerInvariant();
        return System.IO.Path.Combine(Directory(repositoryRoot), hash[..2], hash[2..]);
    }
}
