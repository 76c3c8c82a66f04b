namespace Serving.Core.Monitoring.Performance;

/// <summary>
/// Told of every label the performance monitor joins to its prediction, so that labels outlive the process (the
/// retrainer reads them next to the prediction log). Called under the monitor's lock: it must return at once, never
/// wait and never throw.
/// </summary>
public interface IFeedbackLabelSink
{
    /// <summary>One accepted label set: the prediction's model, version and id, one label per predicted row.</summary>
    void OnLabelled(string model, int version, string id, IReadOnlyList<double> labels, DateTimeOffset time);
}
