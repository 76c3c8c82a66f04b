using System.ComponentModel.DataAnnotations;

namespace Serving.Core.Storage;

/// <summary>
/// Where the gateway writes (<c>Serving:DataPath</c>). Kept apart from the registry, which it only reads, so the
/// registry can be a read-only volume or part of a container image while state and logs go to a writable one.
/// </summary>
public sealed class DataPathOptions
{
    /// <summary>The data directory; relative paths are resolved against the current folder.</summary>
    [Required(AllowEmptyStrings = false)]
    public string DataPath { get; set; } = "var";
}
