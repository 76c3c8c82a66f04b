using Serving.Core.Packaging.Dvc;

namespace Serving.Cli.Retraining.Dvc;

/// <summary>
/// A job's <c>dvc</c> settings: the DVC repository the combined training set is exported into (its workspace, its
/// <c>.dvc</c> file and its cache) and where in it. Without <c>repo</c>, the repository of a <c>.dvc</c> training data
/// file is used; with neither, the set's <c>.dvc</c> file is written only into the run's folder.
/// </summary>
public sealed record DvcJobSettings
{
    /// <summary>The DVC repository's root (a folder holding <c>.dvc/</c>), relative to the config file.</summary>
    public string? Repo { get; init; }

    /// <summary>Where the set goes in the repository (default <c>retraining/&lt;model&gt;.csv</c>), relative to its root.</summary>
    public string? Path { get; init; }

    /// <summary>The default export path for a model.</summary>
    public static string DefaultPath(string model) => $"retraining/{model}.csv";

    /// <summary>The settings with the repository made absolute; adds a line to <paramref name="errors"/> for each problem.</summary>
    public static DvcJobSettings? Resolve(string at, DvcJobSettings? settings, string baseDirectory, List<string> errors)
    {
        if (settings is null)
        {
            return null;
        }

        string? repo = null;
        if (settings.Repo is not null)
        {
            repo = System.IO.Path.GetFullPath(settings.Repo, baseDirectory);
            if (!DvcRepository.IsRoot(repo))
            {
                errors.Add($"{at}.dvc.repo '{repo}' is not a DVC repository (no .dvc folder in it); run `dvc init` there or name the folder that holds .dvc");
            }
        }

        if (settings.Path is { } path && (System.IO.Path.IsPathRooted(path) || path.Split('/', '\\').Contains("..") || path.EndsWith('/') || path.EndsWith(DvcFiles.Extension, StringComparison.Ordinal)))
        {
            errors.Add($"{at}.dvc.path is '{path}'; give a file path inside the repository, relative to its root, without '..', e.g. {DefaultPath("model")}");
        }

        return settings with { Repo = repo };
    }
}
