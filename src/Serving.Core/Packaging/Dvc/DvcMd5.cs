using System.Security.Cryptography;

namespace Serving.Core.Packaging.Dvc;

/// <summary>
/// The md5 DVC 3 keys its cache by: MD5 of the file's raw bytes, lowercase hex. (DVC 2 turned CRLF into LF for files
/// it took for text before hashing; DVC 3 does not, and neither do we.) MD5 here is a content address DVC chose, not
/// a security check; the SHA-256 kept beside it is the fingerprint we trust.
/// </summary>
public static class DvcMd5
{
    public static string OfFile(string path)
    {
        using var stream = File.OpenRead(path);
#pragma warning disable CA5351 // DVC's cache address is MD5 by definition; nothing here relies on MD5 resisting collisions.
        return Convert.ToHexStringLower(MD5.HashData(stream));
#pragma warning restore CA5351
    }

    /// <summary>True for 32 lowercase or uppercase hex digits.</summary>
    public static bool IsWellFormed(string? md5) => md5 is { Length: 32 } && md5.All(char.IsAsciiHexDigit);
}
