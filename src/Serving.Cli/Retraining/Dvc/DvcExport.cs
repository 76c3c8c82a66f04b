using Serving.Core.Contracts;
using Serving.Core.Packaging;
using Serving.Core.Packaging.Dvc;

namespace Serving.Cli.Retraining.Dvc;

/// <summary>
/// Writes the run's combined training set the way <c>dvc add</c> would: a <c>combined.csv.dvc</c> beside it in the run's
/// folder, and, when the job has a DVC repository (<c>dvc.repo</c>, or the repository of its <c>.dvc</c> training
/// data), the file at <c>dvc.path</c> in that repository's workspace, its <c>.dvc</c> file (md5, size, hash: md5,
/// path), its line in the folder's <c>.gitignore</c>, and a copy in the cache at <c>.dvc/cache/files/md5/xx/rest</c>.
/// From there <c>git add *.dvc</c> and <c>dvc push</c> carry on as after <c>dvc add</c>.
/// </summary>
public static class DvcExport
{
    public static TrainingDataReference Write(string model, RetrainJob job, RetrainRun run, TrainingSet data, DvcSource source)
    {
        var md5 = DvcMd5.OfFile(data.CombinedPath);
        var size = new FileInfo(data.CombinedPath).Length;
        var name = Path.GetFileName(data.CombinedPath);
        DvcFiles.Write(data.CombinedPath + DvcFiles.Extension, new DvcOut(md5, size, name, "md5"));
        var reference = new TrainingDataReference
        {
            File = name,
            Sha256 = data.Sha256,
            Rows = data.OriginalRows + data.LoggedRows,
            Md5 = md5,
            Size = size,
        };

        var repo = job.Dvc?.Repo ?? (source.DvcFile is null ? null : DvcRepository.FindRoot(source.DvcFile));
        if (repo is null)
        {
            run.Log($"training set md5 {md5}, {size} bytes; {name}{DvcFiles.Extension} written in the run's folder (set dvc.repo to export it into a DVC repository)");
            return reference;
        }

        var relative = job.Dvc?.Path ?? DvcJobSettings.DefaultPath(model);
        var target = Path.GetFullPath(relative, repo);
        try
        {
            Place(data.CombinedPath, DvcCache.FilesMd5Path(repo, md5));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            Copy(data.CombinedPath, target);
            DvcFiles.Write(target + DvcFiles.Extension, new DvcOut(md5, size, Path.GetFileName(target), "md5"));
            IgnoreInGit(target);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new RetrainException($"cannot export the training set into the DVC repository {repo}: {ex.Message}");
        }

        var path = DvcRepository.Relative(repo, target);
        run.Log($"training set md5 {md5}, {size} bytes exported to {repo}: {path}, {path}{DvcFiles.Extension} and the cache (files/md5/{md5[..2]}/{md5[2..]}); `dvc push` uploads it");
        return reference with { Path = path, DvcFile = path + DvcFiles.Extension };
    }

    // The cache is content-addressed: a file already there under this md5 holds these very bytes.
    private static void Place(string file, string cachePath)
    {
        if (File.Exists(cachePath))
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(cachePath)!);
        Copy(file, cachePath);
    }

    // Copied beside the target and renamed, so no reader (dvc, git, a person) sees half a file.
    private static void Copy(string from, string to)
    {
        var partial = $"{to}.{Guid.NewGuid():N}.tmp";
        File.Copy(from, partial);
        File.Move(partial, to, overwrite: true);
    }

    // As dvc add does: the data file itself stays out of git; its .dvc file goes in.
    private static void IgnoreInGit(string target)
    {
        var ignore = Path.Combine(Path.GetDirectoryName(target)!, ".gitignore");
        var line = "/" + Path.GetFileName(target);
        var lines = File.Exists(ignore) ? File.ReadAllLines(ignore) : [];
        if (!lines.Contains(line))
        {
            File.AppendAllText(ignore, (lines.Length > 0 && !File.ReadAllText(ignore).EndsWith('\n') ? "\n" : string.Empty) + line + "\n");
        }
    }
}
