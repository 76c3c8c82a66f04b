using Serving.Core.Contracts;
using Serving.Core.Packaging;
using Serving.Core.Packaging.Dvc;

namespace Serving.Cli.Retraining.Dvc;

/// <summary>
/// Training data named by a <c>.dvc</c> file: found at its workspace path, or in the repository's cache (DVC 3's
/// <c>files/md5/xx/rest</c>, then DVC 2's <c>xx/rest</c>), and used only when the md5 of its bytes is the one the
/// <c>.dvc</c> file records. When no place holds it, the run fails naming the md5, every place looked at and what was
/// there, and says to run <c>dvc pull</c>.
/// </summary>
public static class DvcTrainingData
{
    /// <summary>True when the configured training data is a <c>.dvc</c> file rather than the CSV itself.</summary>
    public static bool IsDvcFile(string path) => path.EndsWith(DvcFiles.Extension, StringComparison.OrdinalIgnoreCase);

    /// <summary>At start-up: the <c>.dvc</c> file must parse; the data itself is looked for by each run (a later <c>dvc pull</c> counts).</summary>
    public static void Check(string at, string dvcFile, List<string> errors)
    {
        try
        {
            DvcFiles.Read(dvcFile);
        }
        catch (InvalidDataException ex)
        {
            errors.Add($"{at}.trainingData: {ex.Message}");
        }
    }

    /// <summary>The job's original training CSV: the file itself, or the DVC-tracked data its <c>.dvc</c> file names.</summary>
    public static DvcSource Resolve(RetrainJob job, RetrainRun run)
    {
        var configured = job.TrainingData!;
        if (!IsDvcFile(configured))
        {
            return new DvcSource(configured, null, null);
        }

        var source = Find(configured);
        if (!Core.Packaging.CsvDataSet.ReadColumnNames(source.CsvPath).Contains(job.Label))
        {
            throw new RetrainException($"the training data tracked by {configured} ({source.CsvPath}) has no label column '{job.Label}'");
        }

        run.Log($"training data: {source.Reference!.Path ?? source.CsvPath} md5 {source.Reference.Md5} (from {configured}), read from {source.CsvPath}");
        return source;
    }

    /// <summary>Finds the data a <c>.dvc</c> file tracks; throws <see cref="RetrainException"/> saying what was looked at.</summary>
    public static DvcSource Find(string dvcFile)
    {
        DvcOut output;
        try
        {
            output = DvcFiles.Read(dvcFile);
        }
        catch (InvalidDataException ex)
        {
            throw new RetrainException(ex.Message);
        }

        var workspace = Path.GetFullPath(output.Path, Path.GetDirectoryName(Path.GetFullPath(dvcFile))!);
        var root = DvcRepository.FindRoot(dvcFile);
        List<string> places = [workspace];
        if (root is not null)
        {
            places.Add(DvcCache.FilesMd5Path(root, output.Md5));
            places.Add(DvcCache.LegacyPath(root, output.Md5));
        }

        var seen = new List<string>();
        foreach (var place in places)
        {
            if (!File.Exists(place))
            {
                seen.Add($"{place}: missing");
                continue;
            }

            var md5 = DvcMd5.OfFile(place);
            if (md5 == output.Md5)
            {
                return new DvcSource(place, dvcFile, Reference(output, md5, place, workspace, dvcFile, root));
            }

            seen.Add($"{place}: md5 {md5}, not {output.Md5}");
        }

        var legacy = output.IsLegacy && seen.Exists(s => s.Contains("md5 ", StringComparison.Ordinal))
            ? " (this .dvc file has no 'hash: md5', so DVC 2 wrote it; DVC 2 hashed text files with CRLF line ends as if they had LF, while the md5 here is of the raw bytes: re-add the data with DVC 3)"
            : string.Empty;
        var where = root is null
            ? $"; {dvcFile} is not inside a DVC repository (no .dvc folder above it), so no cache was searched"
            : string.Empty;
        throw new RetrainException(
            $"the training data {output.Path} tracked by {dvcFile} (md5 {output.Md5}) is not available{where}; looked at {string.Join("; ", seen)}{legacy}. "
            + $"Run `dvc pull {Path.GetFileName(dvcFile)}` in {Path.GetDirectoryName(Path.GetFullPath(dvcFile))} to fetch it from the remote (or `dvc checkout` if the cache already has it)");
    }

    private static TrainingDataReference Reference(DvcOut output, string md5, string found, string workspace, string dvcFile, string? root) => new()
    {
        File = Path.GetFileName(output.Path),
        Sha256 = Checksums.Sha256OfFile(found),
        Md5 = md5,
        Size = new FileInfo(found).Length,
        Path = root is null ? output.Path : DvcRepository.Relative(root, workspace),
        DvcFile = root is null ? Path.GetFileName(dvcFile) : DvcRepository.Relative(root, dvcFile),
    };
}
