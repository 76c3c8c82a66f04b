namespace Serving.Core.Inference;

/// <summary>
/// A consumer that takes nothing: what a monitor registers in place of itself when its records come from somewhere
/// else (with Redis, the leader feeds drift, performance and rollout statistics from every replica's stream).
/// </summary>
public sealed class NoMonitoringConsumer : IMonitoringConsumer
{
    /// <summary>The one instance.</summary>
    public static NoMonitoringConsumer Instance { get; } = new();

    private NoMonitoringConsumer()
    {
    }

    /// <inheritdoc />
    public void Consume(InferenceRecord record)
    {
    }

    /// <inheritdoc />
    public void Missed(InferenceRecord record)
    {
    }
}
