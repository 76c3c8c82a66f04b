namespace Serving.Cli.Scoring;

/// <summary>Picks a file's format: the one <c>--format</c> names, else the file's extension.</summary>
internal static class TableFormats
{
    public const string Csv = "csv";
    public const string Parquet = "parquet";

    /// <summary>
    /// <paramref name="named"/> when given (it applies to both files, for names without a telling extension);
    /// else <c>.csv</c> or <c>.parquet</c>/<c>.pq</c>, in any case; anything else is refused with what to do.
    /// </summary>
    public static TableFormat Resolve(string path, string? named)
    {
        if (named is not null)
        {
            return named == Parquet ? TableFormat.Parquet : TableFormat.Csv;
        }

        var extension = Path.GetExtension(path);
        if (extension.Equals(".csv", StringComparison.OrdinalIgnoreCase))
        {
            return TableFormat.Csv;
        }

        if (extension.Equals(".parquet", StringComparison.OrdinalIgnoreCase) || extension.Equals(".pq", StringComparison.OrdinalIgnoreCase))
        {
            return TableFormat.Parquet;
        }

        throw new ScoringException($"cannot tell the format of '{path}' from its extension; name the file .csv or .parquet, or pass --format csv|parquet");
    }
}
