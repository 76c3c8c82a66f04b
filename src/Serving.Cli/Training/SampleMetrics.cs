using Microsoft.ML;
using Microsoft.ML.Data;
using Serving.Core.Contracts;

namespace Serving.Cli.Training;

/// <summary>Held-out metrics recorded in a sample's lineage.</summary>
internal static class SampleMetrics
{
    public static IReadOnlyDictionary<string, double> Measure(MLContext ml, string task, IDataView scored)
    {
        switch (task)
        {
            case ModelTasks.Binary:
                var binary = ml.BinaryClassification.Evaluate(scored, MLNetRows.Label);
                return new Dictionary<string, double> { ["accuracy"] = binary.Accuracy, ["f1"] = binary.F1Score, ["rocAuc"] = binary.AreaUnderRocCurve };
            case ModelTasks.Multiclass:
                // PredictedLabel has been mapped back to the class value, so it is compared with the raw label.
                var labels = scored.GetColumn<long>(MLNetRows.Label).ToArray();
                var predicted = scored.GetColumn<long>("PredictedLabel").ToArray();
                var correct = labels.Zip(predicted).Count(p => p.First == p.Second);
                return new Dictionary<string, double> { ["accuracy"] = (double)correct / labels.Length };
            default:
                var regression = ml.Regression.Evaluate(scored, MLNetRows.Label);
                return new Dictionary<string, double> { ["mae"] = regression.MeanAbsoluteError, ["rmse"] = regression.RootMeanSquaredError, ["r2"] = regression.RSquared };
        }
    }
}
