namespace Serving.Core.Monitoring.Performance;

/// <summary>
/// Area under the ROC curve as the Mann-Whitney statistic: the chance that a random positive scores above a random
/// negative, ties counting half. This equals the trapezoidal area scikit-learn's <c>roc_auc_score</c> reports.
/// </summary>
public static class RocAuc
{
    /// <summary>AUC of <paramref name="scores"/> for <paramref name="positive"/>; null when either class is absent.</summary>
    public static double? Of(IReadOnlyList<double> scores, IReadOnlyList<bool> positive)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(positive);
        var n = scores.Count;
        var order = new int[n];
        for (var i = 0; i < n; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (a, b) => scores[a].CompareTo(scores[b]));
        double positiveRankSum = 0;
        long positives = 0;
        for (var start = 0; start < n;)
        {
            // Tied scores share the average of the ranks they span (ranks are 1-based).
            var end = start;
            while (end + 1 < n && scores[order[end + 1]] == scores[order[start]])
            {
                end++;
            }

            var averageRank = ((start + 1) + (end + 1)) / 2.0;
            for (var k = start; k <= end; k++)
            {
                if (positive[order[k]])
                {
                    positiveRankSum += averageRank;
                    positives++;
                }
            }

            start = end + 1;
        }

        var negatives = n - positives;
        if (positives == 0 || negatives == 0)
        {
            return null;
        }

        return (positiveRankSum - (positives * (positives + 1) / 2.0)) / (positives * (double)negatives);
    }
}
