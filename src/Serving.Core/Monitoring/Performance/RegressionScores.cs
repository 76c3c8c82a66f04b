namespace Serving.Core.Monitoring.Performance;

/// <summary>MAE, RMSE and R² of labelled regression rows; R² is null when the labels do not vary (0/0).</summary>
public static class RegressionScores
{
    public static IReadOnlyList<PerformanceMetric> Compute(IReadOnlyList<double> labels, IReadOnlyList<double> predicted)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(predicted);
        var n = labels.Count;
        if (n == 0)
        {
            return [.. MetricNames.Regression.Select(name => new PerformanceMetric(name, null))];
        }

        double absolute = 0, squared = 0, mean = labels.Average(), total = 0;
        for (var i = 0; i < n; i++)
        {
            var error = labels[i] - predicted[i];
            absolute += Math.Abs(error);
            squared += error * error;
            total += (labels[i] - mean) * (labels[i] - mean);
        }

        var finite = double.IsFinite(absolute) && double.IsFinite(squared);
        return
        [
            new(MetricNames.Mae, finite ? absolute / n : null),
            new(MetricNames.Rmse, finite ? Math.Sqrt(squared / n) : null),
            new(MetricNames.R2, finite && total > 0 ? 1 - (squared / total) : null),
        ];
    }
}
