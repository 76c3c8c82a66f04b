using System.Globalization;

namespace Serving.Core.Registry.Mlflow;

/// <summary>
/// Checks one <c>mlflow-artifacts</c> listing before anything is written from it. The JSON reader lets through
/// entries a broken or hostile server can send (a null entry, a null path), which used to end in a
/// NullReferenceException that no poll caught; a name listed twice (a file and a folder both called 'a') failed
/// half-way on the disk and was downloaded again every poll. Each is refused as <see cref="MlflowErrorKind.Invalid"/>,
/// so the version is refused with the reason. Only single names are taken, so one listing cannot name a file both as
/// a file and as a folder.
/// </summary>
internal static class MlflowArtifactListing
{
    /// <summary>The entries of <paramref name="folder"/>'s listing, with paths relative to it; throws for one that cannot be written safely.</summary>
    public static IReadOnlyList<MlflowArtifactFile> Check(IReadOnlyList<MlflowArtifactFile?>? files, string folder)
    {
        var prefix = folder.Length == 0 ? string.Empty : folder.TrimEnd('/') + "/";
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var entries = new List<MlflowArtifactFile>(files?.Count ?? 0);
        foreach (var file in files ?? [])
        {
            if (file is null)
            {
                throw Refused(folder, "an empty entry (null)");
            }

            if (file.Path is null)
            {
                throw Refused(folder, "an entry without a path");
            }

            // The server answers with paths relative to the folder; a full path is trimmed in case a server sends one.
            var path = prefix.Length > 0 && file.Path.StartsWith(prefix, StringComparison.Ordinal) ? file.Path[prefix.Length..] : file.Path;
            if (!MlflowArtifactUri.IsSafeRelative(path))
            {
                throw Refused(folder, $"the artifact path '{Printable(file.Path)}', which is not a plain relative path");
            }

            // MLflow lists only a folder's direct children. A deeper path could name a file under a name the same
            // listing gives a file ('a' and 'a/b'): that failed on the disk with an IOException, which the poll took
            // for a disk problem and downloaded the version again every poll.
            if (path.Contains('/', StringComparison.Ordinal))
            {
                throw Refused(folder, $"'{Printable(path)}', a path of more than one part (MLflow lists only the direct children of a folder)");
            }

            if (!seen.Add(path))
            {
                throw new MlflowRegistryException(MlflowErrorKind.Invalid, $"the mlflow-artifacts listing of '{folder}' lists '{Printable(path)}' twice");
            }

            entries.Add(path == file.Path ? file : file with { Path = path });
        }

        return entries;
    }

    private static MlflowRegistryException Refused(string folder, string what) =>
        new(MlflowErrorKind.Invalid, $"the mlflow-artifacts listing of '{folder}' holds {what}");

    /// <summary>A path fit for a log line: control characters shown as \uXXXX.</summary>
    private static string Printable(string path) =>
        string.Concat(path.Select(c => char.IsControl(c) ? "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture) : c.ToString()));
}
