using Serving.Core.Contracts;
using Serving.Core.Inference.Mlflow;

namespace Serving.Cli.Scoring;

/// <summary>
/// Which file column feeds each model feature, matched by name as <c>/invocations</c> matches them
/// (<see cref="MlflowInputLayout"/>): order does not matter, extra columns are carried through, a missing one is an
/// error that names it before any row is read.
/// </summary>
internal sealed class ColumnMatch
{
    private ColumnMatch(MlflowInputLayout layout, int[] featureColumns, int columnCount)
    {
        Layout = layout;
        FeatureColumns = featureColumns;
        ColumnCount = columnCount;
    }

    public MlflowInputLayout Layout { get; }

    /// <summary>For each feature of <see cref="Layout"/>, the index of the file column that holds it.</summary>
    public int[] FeatureColumns { get; }

    /// <summary>How many columns the file has.</summary>
    public int ColumnCount { get; }

    public static ColumnMatch Create(MlflowInputLayout layout, IReadOnlyList<string> columns, string model)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var featureColumns = new int[layout.FeatureCount];
        Array.Fill(featureColumns, -1);
        for (var c = 0; c < columns.Count; c++)
        {
            if (!seen.Add(columns[c]))
            {
                throw new ScoringException($"column '{CallerText.Cut(columns[c])}' appears twice in the input; each column needs its own name");
            }

            var feature = layout.FindFeature(columns[c]);
            if (feature >= 0)
            {
                featureColumns[feature] = c;
            }
        }

        var missing = new List<string>();
        for (var f = 0; f < featureColumns.Length; f++)
        {
            if (featureColumns[f] >= 0)
            {
                continue;
            }

            // A wide input without feature names cannot be given by columns; it is missing under its own name.
            var name = layout.FeatureIsNamed[f] ? layout.FeatureNames[f] : layout.Slots[layout.FeatureOwners[f]].Spec.Name;
            if (!missing.Contains(name))
            {
                missing.Add(name);
            }
        }

        if (missing.Count > 0)
        {
            var names = string.Join(", ", missing.Take(10).Select(n => $"'{n}'")) + (missing.Count > 10 ? $" and {missing.Count - 10} more" : string.Empty);
            throw new ScoringException(
                $"the input has no column {names}, which model '{model}' needs (columns are matched by name, in any order)");
        }

        return new ColumnMatch(layout, featureColumns, columns.Count);
    }
}
