namespace Serving.Core.Rollouts;

/// <summary>
/// The traffic of one model's stable and canary counted since a rollout step opened its window, in whole
/// intervals from the window's start; other versions of the model (pinned requests) are not counted.
/// </summary>
internal sealed class StepTraffic
{
    public StepTraffic(int stable, TrafficSeries stableSeries, int canary, TrafficSeries canarySeries)
    {
        Stable = stable;
        StableSeries = stableSeries;
        Canary = canary;
        CanarySeries = canarySeries;
    }

    public int Stable { get; }

    public TrafficSeries StableSeries { get; }

    public int Canary { get; }

    public TrafficSeries CanarySeries { get; }

    /// <summary>The series counting <paramref name="version"/>; null for any other version.</summary>
    public TrafficSeries? Of(int version) =>
        version == Canary ? CanarySeries : version == Stable ? StableSeries : null;
}
