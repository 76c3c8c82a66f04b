namespace Serving.Core.Rollouts;

/// <summary>The accuracy source until labels arrive: accuracy is never known, so the gate is always skipped.</summary>
public sealed class NoLiveAccuracy : ILiveAccuracySource
{
    public double? Accuracy(string model, int version, DateTimeOffset from, DateTimeOffset to) => null;
}
