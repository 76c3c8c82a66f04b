using Serving.Core.Rollouts;

namespace Serving.Core.Tests.Rollouts;

/// <summary>An accuracy source tests set by version; unknown (null) until set. Remembers each window it was asked about.</summary>
internal sealed class SettableAccuracy : ILiveAccuracySource
{
    public Dictionary<int, double> ByVersion { get; } = [];

    public List<(int Version, DateTimeOffset From, DateTimeOffset To)> Asked { get; } = [];

    public double? Accuracy(string model, int version, DateTimeOffset from, DateTimeOffset to)
    {
        lock (Asked)
        {
            Asked.Add((version, from, to));
        }

        return ByVersion.TryGetValue(version, out var accuracy) ? accuracy : null;
    }
}
