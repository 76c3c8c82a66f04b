namespace Serving.Core.Monitoring.Performance;

/// <summary>The metric names reports use, in the order they are printed.</summary>
public static class MetricNames
{
    public const string Accuracy = "accuracy";
    public const string Precision = "precision";
    public const string Recall = "recall";
    public const string F1 = "f1";
    public const string RocAuc = "rocAuc";
    public const string LogLoss = "logLoss";
    public const string Mae = "mae";
    public const string Rmse = "rmse";
    public const string R2 = "r2";

    public static IReadOnlyList<string> Classification { get; } = [Accuracy, Precision, Recall, F1, RocAuc, LogLoss];

    public static IReadOnlyList<string> Regression { get; } = [Mae, Rmse, R2];

    /// <summary>Whether a smaller value is better (an error or a loss); for the others a larger one is.</summary>
    public static bool LowerIsBetter(string metric) => metric is Mae or Rmse or LogLoss;

    /// <summary>Whether the metric is a share, from 0 to 1.</summary>
    public static bool IsShare(string metric) => metric is Accuracy or Precision or Recall or F1 or RocAuc;

    /// <summary>The metric's name as reports spell it, matched ignoring case (configuration keys ignore it); null when unknown.</summary>
    public static string? Find(string name) =>
        Classification.Concat(Regression).FirstOrDefault(m => string.Equals(m, name, StringComparison.OrdinalIgnoreCase));
}
