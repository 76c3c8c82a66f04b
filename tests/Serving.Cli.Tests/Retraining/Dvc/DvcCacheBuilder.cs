using System.Security.Cryptography;
using System.Text;

namespace Serving.Cli.Tests.Retraining.Dvc;

/// <summary>A DVC repository made by hand in the documented layout: <c>.dvc/</c>, <c>.dvc</c> files, and the cache in either layout.</summary>
internal sealed class DvcCacheBuilder(string root)
{
    public string Root { get; } = root;

    /// <summary>MD5 of the text's UTF-8 bytes, lowercase hex, computed here independently of the code under test.</summary>
    public static string Md5(string text)
    {
#pragma warning disable CA5351 // DVC's content address is MD5
        return Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(text)));
#pragma warning restore CA5351
    }

    public static DvcCacheBuilder Init(string root)
    {
        Directory.CreateDirectory(Path.Combine(root, ".dvc"));
        return new DvcCacheBuilder(root);
    }

    /// <summary>Writes <c>&lt;path&gt;.dvc</c> (DVC 3 with <c>hash: md5</c>, DVC 2 without) naming the md5 and size of <paramref name="text"/>; returns its full path.</summary>
    public string TrackFile(string path, string text, bool dvc3 = true, string? md5 = null)
    {
        var dvcFile = Path.Combine(Root, path + ".dvc");
        Directory.CreateDirectory(Path.GetDirectoryName(dvcFile)!);
        var hash = dvc3 ? "  hash: md5\n" : string.Empty;
        File.WriteAllText(dvcFile, $"outs:\n- md5: {md5 ?? Md5(text)}\n  size: {Encoding.UTF8.GetByteCount(text)}\n{hash}  path: {Path.GetFileName(path)}\n");
        return dvcFile;
    }

    /// <summary>Puts the bytes into DVC 3's cache: <c>.dvc/cache/files/md5/xx/rest</c>, under <paramref name="md5"/> (default: their own).</summary>
    public string PutInCache(string text, string? md5 = null) => Put(text, Path.Combine(Root, ".dvc", "cache", "files", "md5"), md5 ?? Md5(text));

    /// <summary>Puts the bytes into DVC 2's cache: <c>.dvc/cache/xx/rest</c>.</summary>
    public string PutInLegacyCache(string text) => Put(text, Path.Combine(Root, ".dvc", "cache"), Md5(text));

    /// <summary>Writes the file at its workspace path.</summary>
    public string PutInWorkspace(string path, string text)
    {
        var full = Path.Combine(Root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
        return full;
    }

    private static string Put(string text, string folder, string md5)
    {
        var path = Path.Combine(folder, md5[..2], md5[2..]);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }
}
