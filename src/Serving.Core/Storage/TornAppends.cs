namespace Serving.Core.Storage;

/// <summary>
/// Undoes an append that failed part-way. A full disk on ext4 takes part of a write and refuses the rest, so an
/// append-only file of lines ends in half a line: the next append would run on from it, and a reader would lose
/// both. Appenders note the file's length before writing and cut it back to that length when the write throws.
/// </summary>
public static class TornAppends
{
    /// <summary>
    /// Cuts <paramref name="path"/> back to <paramref name="length"/> bytes when it is longer. Best effort: a file that
    /// cannot be cut keeps its torn end, which readers of these files skip as an unreadable line. Open append streams
    /// on the file must be closed first: their idea of where the file ends would be past the cut.
    /// </summary>
    public static void CutBack(string path, long length)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
            if (file.Length > length)
            {
                file.SetLength(length);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The write's own failure is what the caller reports and retries.
        }
    }
}
