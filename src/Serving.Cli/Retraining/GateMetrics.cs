using Serving.Core.Contracts;

namespace Serving.Cli.Retraining;

/// <summary>
/// The figures the gate compares: accuracy and F1 for classifiers (F1 of class 1 for binary, the mean over classes
/// for multiclass), RMSE, MAE and R² for regression.
/// </summary>
internal static class GateMetrics
{
    /// <summary>The metric a job judges by when it names none.</summary>
    public static string DefaultFor(string task) => ModelTasks.IsClassification(task) ? "accuracy" : "rmse";

    /// <summary>True for metrics where lower is better.</summary>
    public static bool LowerIsBetter(string metric) => metric == "rmse";

    public static IReadOnlyDictionary<string, double> Measure(string task, IReadOnlyList<double> labels, IReadOnlyList<double> predicted)
    {
        if (labels.Count != predicted.Count || labels.Count == 0)
        {
            throw new ArgumentException("as many predictions as labels, at least one", nameof(predicted));
        }

        return ModelTasks.IsClassification(task) ? Classification(task, labels, predicted) : Regression(labels, predicted);
    }

    /// <summary>True when the candidate is not worse than stable by more than the margin.</summary>
    public static bool Passes(string metric, double candidate, double stable, double margin) =>
        LowerIsBetter(metric) ? candidate <= stable + margin : candidate >= stable - margin;

    private static Dictionary<string, double> Classification(string task, IReadOnlyList<double> labels, IReadOnlyList<double> predicted)
    {
        var correct = labels.Zip(predicted).Count(p => p.First == p.Second);
        var classes = task == ModelTasks.Binary ? [1.0] : labels.Concat(predicted).Distinct().Order().ToList();
        var f1 = classes.Select(c => F1(labels, predicted, c)).Average();
        return new Dictionary<string, double>(StringComparer.Ordinal) { ["accuracy"] = (double)correct / labels.Count, ["f1"] = f1 };
    }

    private static double F1(IReadOnlyList<double> labels, IReadOnlyList<double> predicted, double positive)
    {
        int tp = 0, fp = 0, fn = 0;
        for (var i = 0; i < labels.Count; i++)
        {
            var actual = labels[i] == positive;
            var guessed = predicted[i] == positive;
            tp += actual && guessed ? 1 : 0;
            fp += !actual && guessed ? 1 : 0;
            fn += actual && !guessed ? 1 : 0;
        }

        return tp == 0 ? 0 : 2.0 * tp / ((2.0 * tp) + fp + fn);
    }

    private static Dictionary<string, double> Regression(IReadOnlyList<double> labels, IReadOnlyList<double> predicted)
    {
        var mean = labels.Average();
        double squared = 0, absolute = 0, total = 0;
        for (var i = 0; i < labels.Count; i++)
        {
            var error = predicted[i] - labels[i];
            squared += error * error;
            absolute += Math.Abs(error);
            total += (labels[i] - mean) * (labels[i] - mean);
        }

        return new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["rmse"] = Math.Sqrt(squared / labels.Count),
            ["mae"] = absolute / labels.Count,
            ["r2"] = total == 0 ? 0 : 1 - (squared / total),
        };
    }
}
