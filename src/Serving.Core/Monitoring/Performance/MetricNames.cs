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
}
