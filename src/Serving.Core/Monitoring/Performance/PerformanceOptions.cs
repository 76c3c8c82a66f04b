using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Serving.Core.Monitoring.Performance;

/// <summary>Live performance settings (<c>Serving:Monitoring:Performance</c>, window size from <c>Serving:Monitoring:WindowRows</c>).</summary>
public sealed class PerformanceOptions
{
    /// <summary>Whether predictions are kept for feedback at all.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Predicted rows per window, per model version (bound from <c>Serving:Monitoring:WindowRows</c>).</summary>
    [Range(1, 1_000_000)]
    public int WindowRows { get; set; } = 500;

    /// <summary>Closed windows kept per version for the report; older ones are forgotten.</summary>
    [Range(1, 1000)]
    public int MaxWindows { get; set; } = 10;

    /// <summary>Predictions (ids) held for labels to join; past this the oldest are forgotten.</summary>
    [Range(1, 10_000_000)]
    public int MaxPredictions { get; set; } = 100_000;

    /// <summary>How long a prediction waits for its label; a label after that counts as an unknown id.</summary>
    [Range(1, 365 * 24 * 3600)]
    public double MaxAgeSeconds { get; set; } = 24 * 3600;

    /// <summary>Labels held whose prediction has not been seen yet (feedback can overtake its prediction).</summary>
    [Range(0, 10_000_000)]
    public int MaxPendingLabels { get; set; } = 10_000;

    /// <summary>How long such a label waits for its prediction before it is dropped as an unknown id.</summary>
    [Range(0, 24 * 3600)]
    public double PendingSeconds { get; set; } = 300;

    /// <summary>
    /// Bytes the held labels may take (an estimate of what the process keeps for them: ids, labels, bookkeeping);
    /// past it the oldest are forgotten, as past <see cref="MaxPendingLabels"/>.
    /// </summary>
    [Range(0, int.MaxValue)]
    public int MaxPendingBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Largest feedback body in bytes (413 past it); well under the infer limit, as labels are small.</summary>
    [Range(1024, 1024 * 1024 * 1024)]
    public int MaxFeedbackBytes { get; set; } = 1024 * 1024;

    /// <summary>Items (ids with their labels) one feedback post may carry (413 past it).</summary>
    [Range(1, 1_000_000)]
    public int MaxFeedbackItems { get; set; } = 1000;

    /// <summary>Labels one item may carry: one per predicted row (400 past it).</summary>
    [Range(1, 1_000_000)]
    public int MaxLabelsPerItem { get; set; } = 10_000;

    /// <summary>Characters of one text label (a class name; 400 past it).</summary>
    [Range(1, 65_536)]
    public int MaxLabelLength { get; set; } = 256;

    /// <summary>Finished predictions waiting to be taken in; past this, new ones are dropped (and counted).</summary>
    [Range(1, 10_000_000)]
    public int QueueCapacity { get; set; } = 50_000;

    /// <summary>
    /// Rows of one prediction read for scoring, at most. A larger answer is read on the request's thread only at this
    /// many rows, evenly spread over the batch (the middle row of each equal stretch); its label list still has one
    /// label per served row, and only the labels of the rows read are scored.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxRowsPerRequest { get; set; } = 100;

    /// <summary>
    /// Live metric thresholds per model (<c>Thresholds:&lt;model&gt;:&lt;metric&gt;</c>): a closed window whose metric is
    /// worse than this, with at least <see cref="MinimumLabels"/> labels, sends <c>performance.degraded</c> (once per
    /// episode). Worse is below for accuracy, precision, recall, f1, rocAuc and r2, above for mae, rmse and logLoss.
    /// </summary>
    public Dictionary<string, Dictionary<string, double>> Thresholds { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Labels a closed window needs before its metrics are judged against <see cref="Thresholds"/>.</summary>
    [Range(1, 1_000_000)]
    public int MinimumLabels { get; set; } = 50;

    /// <summary>Judged windows in a row that meet every threshold of the metric, ending its episode; a later breach is a new one.</summary>
    [Range(1, 1000)]
    public int CleanWindowsToEnd { get; set; } = 3;

    /// <summary>Problems with <see cref="Thresholds"/>, one message each naming its key; empty when valid.</summary>
    public IEnumerable<string> ValidateThresholds()
    {
        foreach (var (model, metrics) in Thresholds)
        {
            foreach (var (metric, value) in metrics)
            {
                var key = $"Serving:Monitoring:Performance:Thresholds:{model}:{metric}";
                var text = value.ToString(CultureInfo.InvariantCulture);
                if (MetricNames.Find(metric) is not { } known)
                {
                    yield return $"{key} names no metric; use one of {string.Join(", ", MetricNames.Classification.Concat(MetricNames.Regression))}";
                }
                else if (!double.IsFinite(value))
                {
                    yield return $"{key} is '{text}'; use a finite number";
                }
                else if (MetricNames.IsShare(known) && value is < 0 or > 1)
                {
                    yield return $"{key} is '{text}'; use a number from 0 to 1";
                }
                else if (MetricNames.LowerIsBetter(known) && value < 0)
                {
                    yield return $"{key} is '{text}'; use a number of at least 0";
                }
            }
        }
    }
}
