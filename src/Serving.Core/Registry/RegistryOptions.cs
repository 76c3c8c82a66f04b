using System.ComponentModel.DataAnnotations;

namespace Serving.Core.Registry;

/// <summary>Settings of the disk registry (<c>Serving:Registry</c>).</summary>
public sealed class RegistryOptions
{
    /// <summary>Registry folder; relative paths are resolved against the current folder.</summary>
    [Required(AllowEmptyStrings = false)]
    public string Path { get; set; } = "models";

    /// <summary>How long an incomplete version folder is retried before it is marked Failed.</summary>
    [Range(0, 3600)]
    public double SettleSeconds { get; set; } = 10;

    /// <summary>Period of the full rescan that backs up file watching (watchers miss events on some file systems).</summary>
    [Range(0.1, 3600)]
    public double RescanSeconds { get; set; } = 5;

    /// <summary>The registry folder as an absolute path.</summary>
    public string FullPath => System.IO.Path.GetFullPath(Path);

    /// <summary>
    /// More folders laid out like the registry, written by model sources rather than people: versions downloaded from
    /// MLflow live under the data directory (<c>&lt;data&gt;/mlflow</c>) because the registry folder may be read-only.
    /// They are read and watched like the registry folder, which wins when both hold the same model version. The
    /// host fills this in; it is not a setting.
    /// </summary>
    public IList<string> SourceRoots { get; } = [];
}
