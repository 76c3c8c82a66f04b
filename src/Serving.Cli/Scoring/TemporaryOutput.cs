namespace Serving.Cli.Scoring;

/// <summary>
/// A file written under a hidden temporary name beside its final one (same folder, so the same file system) and
/// renamed over it only when the run succeeds: a failed or interrupted run leaves no partial output behind.
/// </summary>
internal sealed class TemporaryOutput
{
    public TemporaryOutput(string finalPath)
    {
        FinalPath = Path.GetFullPath(finalPath);
        var folder = Path.GetDirectoryName(FinalPath)!;
        if (!Directory.Exists(folder))
        {
            throw new ScoringException($"the output folder '{folder}' does not exist");
        }

        TemporaryPath = Path.Combine(folder, $".{Path.GetFileName(FinalPath)}.{Guid.NewGuid():N}.tmp");
    }

    public string FinalPath { get; }

    public string TemporaryPath { get; }

    /// <summary>Replaces the final file with the finished temporary one in one rename.</summary>
    public void Commit() => File.Move(TemporaryPath, FinalPath, overwrite: true);

    /// <summary>Removes the temporary file, if it was made; never throws, as it runs while another error is on its way.</summary>
    public void Discard()
    {
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
