namespace Serving.Core.Packaging.Dvc;

/// <summary>
/// One entry of a <c>.dvc</c> file's <c>outs</c>: the md5 of the file (lowercase hex), its size in bytes, its path
/// relative to the <c>.dvc</c> file's folder (with the file's <c>wdir</c>, if any, in front), and <c>hash: md5</c> when DVC 3 wrote it (absent from DVC 2 files).
/// </summary>
public sealed record DvcOut(string Md5, long? Size, string Path, string? Hash)
{
    /// <summary>DVC 3 writes <c>hash: md5</c>; files without it are DVC 2's (legacy) and their md5 may be of CRLF-normalised text.</summary>
    public bool IsLegacy => Hash is null;
}
