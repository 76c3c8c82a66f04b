namespace Serving.Core.Monitoring.Drift.Statistics;

/// <summary>
/// PSI = Σ (ref_i − cur_i)·ln(ref_i / cur_i) over bin shares, with empty shares floored at 0.0001 (Evidently's
/// floor) so one empty bin does not make it infinite.
/// </summary>
public static class PopulationStabilityIndex
{
    /// <summary>The share an empty bin is given.</summary>
    public const double EmptyBinShare = 0.0001;

    /// <summary>Counts per bin, paired by index.</summary>
    public static double Compute(IReadOnlyList<long> reference, IReadOnlyList<long> current)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(current);
        if (reference.Count != current.Count)
        {
            throw new ArgumentException("both samples need the same bins");
        }

        double nRef = reference.Sum(), nCur = current.Sum();
        var psi = 0.0;
        for (var i = 0; i < reference.Count; i++)
        {
            var r = Share(reference[i], nRef);
            var c = Share(current[i], nCur);
            psi += (r - c) * Math.Log(r / c);
        }

        return psi;
    }

    private static double Share(long count, double total) => count == 0 || total == 0 ? EmptyBinShare : count / total;
}
