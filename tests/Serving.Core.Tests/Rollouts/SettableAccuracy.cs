using Serving.Core.Rollouts;

namespace Serving.Core.Tests.Rollouts;

/// <summary>An accuracy source tests set by version; unknown (null) until set.</summary>
internal sealed class SettableAccuracy : ILiveAccuracySource
{
    public Dictionary<int, double> ByVersion { get; } = [];

    public double? Accuracy(string model, int version, DateTimeOffset from, DateTimeOffset to) =>
        ByVersion.TryGetValue(version, out var accuracy) ? accuracy : null;
}
