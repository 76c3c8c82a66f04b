using Serving.Core.Contracts;
using Serving.Core.Packaging;

namespace Serving.Cli.Retraining.Dvc;

/// <summary>
/// The CSV a run reads as the model's original training data, and, when it came from a <c>.dvc</c> file, that file's
/// data version (md5, size, path, the <c>.dvc</c> file) for the lineage.
/// </summary>
public sealed record DvcSource(string CsvPath, string? DvcFile, TrainingDataReference? Reference)
{
    /// <summary>The data version for <c>lineage.retraining.originalDataVersion</c>, with the rows the run read; null for a plain CSV.</summary>
    public TrainingDataReference? Lineage(int rows) => Reference is null ? null : Reference with { Rows = rows };
}
