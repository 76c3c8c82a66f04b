namespace Serving.Core.Inference;

/// <summary>
/// A monitor fed by the monitoring pipeline (<c>Serving.Core.Monitoring.MonitoringPipeline</c>) (prediction log, drift, live performance, rollout statistics):
/// it sees every finished request once, in the order each request thread finished them, on the pipeline's one
/// consumer thread, never on the request path. Here, beside <see cref="IInferenceObserver"/>, so that rollouts and
/// monitoring both implement it without depending on each other.
/// </summary>
public interface IMonitoringConsumer
{
    /// <summary>Takes one finished request in. Runs on the pipeline's thread; must not throw or block for long.</summary>
    void Consume(InferenceRecord record);

    /// <summary>
    /// The pipeline was full and dropped <paramref name="record"/> before this consumer saw it: count it as this
    /// monitor's own drop (its existing metric), if it would have taken the record. Runs on the request path.
    /// </summary>
    void Missed(InferenceRecord record);

    /// <summary>The pipeline has handed over everything it held for now (a batch boundary).</summary>
    void Drained()
    {
    }
}
