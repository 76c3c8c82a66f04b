namespace Serving.Cli.Commands;

/// <summary>
/// Writes <c>--output tsv</c>: one header line, then one line per row, cells separated by tabs. A missing value is
/// <c>-</c> rather than an empty cell, because shells (<c>IFS=$'\t' read</c>) merge consecutive tabs.
/// </summary>
internal static class TsvWriter
{
    public const string Missing = "-";

    /// <param name="withHeader">False for more rows under a header already written (a watch printing each change).</param>
    public static async Task WriteAsync(TextWriter writer, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string?>> rows, bool withHeader = true)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(rows);
        if (withHeader)
        {
            await writer.WriteLineAsync(Line(header)).ConfigureAwait(false);
        }

        foreach (var row in rows)
        {
            await writer.WriteLineAsync(Line(row)).ConfigureAwait(false);
        }

        await writer.FlushAsync().ConfigureAwait(false);
    }

    private static string Line(IReadOnlyList<string?> cells) => string.Join('\t', cells.Select(Cell));

    // A tab or line break inside a cell (a reason text, say) would split the row; a space keeps it one cell.
    private static string Cell(string? value) =>
        string.IsNullOrEmpty(value) ? Missing : value.Replace('\t', ' ').Replace('\r', ' ').Replace('\n', ' ');
}
