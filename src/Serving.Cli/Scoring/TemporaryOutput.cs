using Serving.Core.Storage;

namespace Serving.Cli.Scoring;

/// <summary>
/// A file written under a hidden temporary name beside its final one (same folder, so the same file system) and
/// renamed over it only when the run succeeds: a failed or interrupted run leaves no partial output behind.
/// An output that already exists and is not a regular file (a device such as <c>/dev/null</c>, a FIFO, <c>/dev/stdout</c>
/// on a pipe or terminal) is written straight to instead: a rename would replace the device or pipe with a regular file,
/// and a stream has no "partial output" to hold back. Such a path is never renamed over or deleted.
/// An output that is a symbolic link to a file is replaced at the link's target, so the link stays a link.
/// </summary>
internal sealed class TemporaryOutput
{
    public TemporaryOutput(string finalPath)
    {
        FinalPath = Path.GetFullPath(finalPath);
        if (FileKind.IsStream(FinalPath))
        {
            Direct = true;
            TemporaryPath = FinalPath;
            return;
        }

        FinalPath = LinkTargetOf(FinalPath) ?? FinalPath;

        var folder = Path.GetDirectoryName(FinalPath)!;
        if (!Directory.Exists(folder))
        {
            throw new ScoringException($"the output folder '{folder}' does not exist");
        }

        TemporaryPath = Path.Combine(folder, $".{Path.GetFileName(FinalPath)}.{Guid.NewGuid():N}.tmp");
    }

    public string FinalPath { get; }

    // Null when the path is no link, or one that cannot be read (then the rename meets the problem and reports it).
    private static string? LinkTargetOf(string path)
    {
        try
        {
            return File.ResolveLinkTarget(path, returnFinalTarget: true)?.FullName;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Where the rows are written: the temporary file, or the final path itself when it is a stream.</summary>
    public string TemporaryPath { get; }

    /// <summary>True when the output is a device, FIFO or other stream, written straight to.</summary>
    public bool Direct { get; }

    /// <summary>How the writer opens <see cref="TemporaryPath"/>: a new file, or the stream that is already there.</summary>
    public FileMode Mode => Direct ? FileMode.Open : FileMode.CreateNew;

    /// <summary>
    /// Where a side file with <paramref name="suffix"/> goes: beside the output, or, when the output is a stream (whose
    /// folder, /dev or /proc, is no place for files), in the current folder, named after the stream
    /// (<c>--output /dev/stdout</c>: <c>./stdout.rejected.csv</c>).
    /// </summary>
    public string SidePath(string suffix) =>
        Direct ? Path.Combine(Environment.CurrentDirectory, Path.GetFileName(FinalPath) + suffix) : FinalPath + suffix;

    /// <summary>
    /// Opens <paramref name="path"/> for a writer in <paramref name="mode"/>: a new file is the writer's alone; a device or
    /// pipe is shared, since its reader has it open too (.NET's exclusive lock would refuse it otherwise).
    /// </summary>
    public static FileStream Open(string path, FileMode mode, FileAccess access, int bufferSize) =>
        new(path, mode, access, mode == FileMode.CreateNew ? FileShare.None : FileShare.ReadWrite, bufferSize);

    /// <summary>Replaces the final file with the finished temporary one in one rename; nothing for a stream.</summary>
    public void Commit()
    {
        if (!Direct)
        {
            File.Move(TemporaryPath, FinalPath, overwrite: true);
        }
    }

    /// <summary>Removes the temporary file, if it was made; never throws, as it runs while another error is on its way.</summary>
    public void Discard()
    {
        if (Direct)
        {
            return;
        }

        try
        {
            File.Delete(TemporaryPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Nothing more can be done; the name is hidden and says what it was.
        }
    }
}
