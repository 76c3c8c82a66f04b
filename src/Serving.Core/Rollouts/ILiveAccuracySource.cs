namespace Serving.Core.Rollouts;

/// <summary>
/// Live accuracy of a version from labelled outcomes (the monitoring feature feeds it). The accuracy gate is
/// skipped while either side's accuracy is unknown.
/// </summary>
public interface ILiveAccuracySource
{
    /// <summary>Share of correct predictions (0 to 1) among those labelled in the window; null when unknown.</summary>
    double? Accuracy(string model, int version, DateTimeOffset from, DateTimeOffset to);
}
