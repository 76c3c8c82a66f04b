namespace Serving.Core.Monitoring.Performance;

/// <summary>
/// Accuracy, precision, recall, F1, ROC AUC and log loss of labelled classifier rows. Binary models score class 1 as
/// the positive class; multiclass models average per class (macro) over the classes seen in labels or predictions,
/// a class's 0/0 counting as 0 as scikit-learn does. ROC AUC is one-vs-rest, averaged over the classes that have
/// both positives and negatives. Log loss clips probabilities to [eps, 1-eps] and renormalises each row.
/// </summary>
public static class ClassificationScores
{
    private const double Epsilon = 2.220446049250313e-16;

    /// <param name="labels">True class indexes.</param>
    /// <param name="predicted">Predicted class indexes (-1 for a prediction that names no known class).</param>
    /// <param name="probabilities">Class probabilities per row (length = class count), or null when the model gives none.</param>
    /// <param name="binary">Whether the task is binary (positive class 1) or multiclass (macro averages).</param>
    public static IReadOnlyList<PerformanceMetric> Compute(IReadOnlyList<int> labels, IReadOnlyList<int> predicted, IReadOnlyList<double[]?>? probabilities, bool binary)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(predicted);
        var n = labels.Count;
        if (n == 0)
        {
            return [.. MetricNames.Classification.Select(name => new PerformanceMetric(name, null))];
        }

        var correct = 0;
        for (var i = 0; i < n; i++)
        {
            correct += labels[i] == predicted[i] ? 1 : 0;
        }

        var (precision, recall, f1) = binary ? PositiveClass(labels, predicted) : Macro(labels, predicted);
        var usable = probabilities is not null && probabilities.Count == n && probabilities.All(p => p is not null && p.Length >= 2);
        return
        [
            new(MetricNames.Accuracy, correct / (double)n),
            new(MetricNames.Precision, precision),
            new(MetricNames.Recall, recall),
            new(MetricNames.F1, f1),
            new(MetricNames.RocAuc, usable ? Auc(labels, probabilities!, binary) : null),
            new(MetricNames.LogLoss, usable ? LogLoss(labels, probabilities!) : null),
        ];
    }

    private static (double?, double?, double?) PositiveClass(IReadOnlyList<int> labels, IReadOnlyList<int> predicted)
    {
        long tp = 0, fp = 0, fn = 0;
        for (var i = 0; i < labels.Count; i++)
        {
            var actual = labels[i] == 1;
            var said = predicted[i] == 1;
            tp += actual && said ? 1 : 0;
            fp += !actual && said ? 1 : 0;
            fn += actual && !said ? 1 : 0;
        }

        return (Ratio(tp, tp + fp), Ratio(tp, tp + fn), Ratio(2 * tp, (2 * tp) + fp + fn));
    }

    private static (double?, double?, double?) Macro(IReadOnlyList<int> labels, IReadOnlyList<int> predicted)
    {
        var classes = labels.Concat(predicted).Where(c => c >= 0).Distinct().ToList();
        double precision = 0, recall = 0, f1 = 0;
        foreach (var c in classes)
        {
            long tp = 0, fp = 0, fn = 0;
            for (var i = 0; i < labels.Count; i++)
            {
                var actual = labels[i] == c;
                var said = predicted[i] == c;
                tp += actual && said ? 1 : 0;
                fp += !actual && said ? 1 : 0;
                fn += actual && !said ? 1 : 0;
            }

            precision += Ratio(tp, tp + fp) ?? 0;
            recall += Ratio(tp, tp + fn) ?? 0;
            f1 += Ratio(2 * tp, (2 * tp) + fp + fn) ?? 0;
        }

        return (precision / classes.Count, recall / classes.Count, f1 / classes.Count);
    }

    private static double? Auc(IReadOnlyList<int> labels, IReadOnlyList<double[]?> probabilities, bool binary)
    {
        if (binary)
        {
            return RocAuc.Of([.. probabilities.Select(p => p![1])], [.. labels.Select(l => l == 1)]);
        }

        var width = probabilities.Min(p => p!.Length);
        var perClass = new List<double>();
        for (var c = 0; c < width; c++)
        {
            var column = c;
            if (RocAuc.Of([.. probabilities.Select(p => p![column])], [.. labels.Select(l => l == column)]) is { } auc)
            {
                perClass.Add(auc);
            }
        }

        return perClass.Count == 0 ? null : perClass.Average();
    }

    private static double? LogLoss(IReadOnlyList<int> labels, IReadOnlyList<double[]?> probabilities)
    {
        double total = 0;
        for (var i = 0; i < labels.Count; i++)
        {
            var row = probabilities[i]!;
            if (labels[i] >= row.Length)
            {
                return null;
            }

            double sum = 0;
            foreach (var p in row)
            {
                sum += Clip(p);
            }

            total -= Math.Log(Clip(row[labels[i]]) / sum);
        }

        return total / labels.Count;
    }

    private static double Clip(double p) => double.IsNaN(p) ? Epsilon : Math.Clamp(p, Epsilon, 1 - Epsilon);

    private static double? Ratio(long numerator, long denominator) => denominator == 0 ? null : numerator / (double)denominator;
}
