using Serving.Core.Packaging;

namespace Serving.Cli.Commands;

/// <summary>
/// Which column of the training data <c>serving package</c> takes as the label: <c>--label</c>, else the column named
/// <c>target</c> (any case), said in one line; with neither it refuses rather than guess, since a wrong guess
/// turns the label into a feature and fails later with a confusing count of inputs.
/// </summary>
internal static class LabelChoice
{
    public const string Conventional = "target";

    public static string Choose(CliOutput output, string trainingData, string? requested)
    {
        if (requested is not null)
        {
            return requested;
        }

        var columns = CsvDataSet.ReadColumnNames(trainingData);
        var target = columns.FirstOrDefault(c => string.Equals(c, Conventional, StringComparison.OrdinalIgnoreCase))
            ?? throw new PackagingException(
                $"'{trainingData}' has no column named '{Conventional}'; pass --label <column> to say which column is the label (its columns are: {string.Join(", ", columns)})");
        output.Note($"label: the column '{target}' (pass --label to choose another)");
        return target;
    }
}
