using Serving.Core.Contracts;

namespace Serving.Cli.Tests.Training;

/// <summary>
/// Whether two models of one sample give the same answers on the same rows, as a user would judge it. Training is
/// not bit-identical across x64 CPUs (AVX2 and AVX-512 kernels sum in different orders, so a retrained weight may
/// read 1.0162042 on one machine and 1.0162034 on another), so the answers are compared within stated tolerances:
/// <list type="bullet">
/// <item>class probabilities: within <see cref="Probability"/> (absolute) of each other, element by element;</item>
/// <item>regression values: within <see cref="Relative"/> × max(1, |value|);</item>
/// <item>class labels: identical on every row, except a row the reference model leaves undecided within the
/// tolerance: the reference's probability of the other label is within 2 × <see cref="Probability"/> of the
/// probability of its own (for a binary model with one probability p: |p − 0.5| ≤ <see cref="Probability"/>).</item>
/// </list>
/// For the rule to hold, each side's labels must follow its own probabilities (the label is a most probable class;
/// p ≥ 0.5 for class 1, p ≤ 0.5 for class 0), and that is checked too.
/// </summary>
internal static class SameAnswers
{
    /// <summary>Absolute tolerance on a class probability.</summary>
    public const double Probability = 1e-4;

    /// <summary>Relative tolerance on a regression value or a metric, against max(1, |value|).</summary>
    public const double Relative = 1e-4;

    /// <summary>Whether <paramref name="actual"/> is within <see cref="Relative"/> of <paramref name="expected"/>.</summary>
    public static bool Close(double expected, double actual) =>
        Math.Abs(expected - actual) <= Relative * Math.Max(1, Math.Abs(expected));

    /// <summary>
    /// Asserts that <paramref name="actual"/> answers as <paramref name="expected"/> under the rule above, for every
    /// output of <paramref name="signature"/> (answers: one array per row for each output, by public name).
    /// Returns the rows whose label may differ (the undecided ones), so counts of labels can be compared.
    /// </summary>
    public static IReadOnlyList<int> Assert(
        string task,
        ModelSignature signature,
        int rows,
        IReadOnlyDictionary<string, double[][]> expected,
        IReadOnlyDictionary<string, double[][]> actual,
        string what)
    {
        ArgumentNullException.ThrowIfNull(signature);
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        var classifier = ModelTasks.IsClassification(task);
        foreach (var output in signature.Outputs.Where(o => IsFloat(o) && !(classifier && o.Name == signature.PredictionOutput)))
        {
            AssertValues(output.Name, expected[output.Name], actual[output.Name], rows, classifier, what);
        }

        if (!classifier)
        {
            return [];
        }

        var labelName = signature.PredictionOutput ?? throw new InvalidOperationException("a classifier's signature names its prediction output");
        var probabilityName = signature.Outputs.Single(o => IsFloat(o) && o.Name != labelName).Name;
        var undecided = new List<int>();
        for (var row = 0; row < rows; row++)
        {
            var reference = ClassProbabilities(expected[probabilityName][row]);
            var candidate = ClassProbabilities(actual[probabilityName][row]);
            var expectedLabel = (int)expected[labelName][row][0];
            var actualLabel = (int)actual[labelName][row][0];
            Xunit.Assert.True(IsMostProbable(expectedLabel, reference), $"{what}, row {row}: the reference labels it {expectedLabel} against its own probabilities [{string.Join(", ", reference)}]");
            Xunit.Assert.True(IsMostProbable(actualLabel, candidate), $"{what}, row {row}: the candidate labels it {actualLabel} against its own probabilities [{string.Join(", ", candidate)}]");
            if (actualLabel == expectedLabel)
            {
                continue;
            }

            Xunit.Assert.True(
                reference[expectedLabel] - reference[actualLabel] <= 2 * Probability,
                $"{what}, row {row}: label {actualLabel} against {expectedLabel}, although the reference's probabilities [{string.Join(", ", reference)}] are not within {Probability} of its decision boundary");
            undecided.Add(row);
        }

        return undecided;
    }

    private static void AssertValues(string name, double[][] expected, double[][] actual, int rows, bool probabilities, string what)
    {
        Xunit.Assert.Equal(rows, expected.Length);
        Xunit.Assert.Equal(rows, actual.Length);
        for (var row = 0; row < rows; row++)
        {
            Xunit.Assert.Equal(expected[row].Length, actual[row].Length);
            for (var j = 0; j < expected[row].Length; j++)
            {
                var (e, a) = (expected[row][j], actual[row][j]);
                var close = probabilities ? Math.Abs(e - a) <= Probability : Close(e, a);
                Xunit.Assert.True(close, $"{what}: {name} row {row}[{j}] is {a:R} against {e:R}, beyond the tolerance ({(probabilities ? $"{Probability} absolute" : $"{Relative} relative")})");
            }
        }
    }

    // A single probability is that of class 1 (binary); a vector holds one probability per class.
    private static double[] ClassProbabilities(double[] row) => row.Length == 1 ? [1 - row[0], row[0]] : row;

    // Ties count for every class they hold: ML.NET labels a binary row by its score, and p rounds to 0.5 near zero.
    private static bool IsMostProbable(int label, double[] probabilities) =>
        label >= 0 && label < probabilities.Length && probabilities[label] >= probabilities.Max();

    private static bool IsFloat(TensorSpec spec) => spec.Datatype is "FP32" or "FP64";
}
