using System.Security.Cryptography;

namespace Serving.Core.Packaging;

/// <summary>SHA-256 fingerprints of artifact and data files.</summary>
public static class Checksums
{
    /// <summary>Lowercase hex SHA-256 of a file's contents.</summary>
    public static string Sha256OfFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
