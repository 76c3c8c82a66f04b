using Serving.Core.Health;

namespace Serving.Core.Monitoring.Logging;

/// <summary>
/// The prediction log's part of readiness, for operators: reported, never required. A sink that cannot write (a data
/// directory that is not writable, Redis down) must not take a replica out of service, since predictions still
/// answer; the records wait in the queue and are dropped, counted, once it is full.
/// </summary>
public sealed class PredictionLogReadiness(PredictionLogger logger) : IReadinessDetail
{
    public const string Name = "prediction-log";

    public ReadinessDetail Check() => logger.LastSinkError is { } error
        ? new ReadinessDetail(Name, Ready: false, $"writing prediction logs fails ({logger.SinkFailures} failed writes so far): {error}", Required: false)
        : new ReadinessDetail(Name, Ready: true, Required: false);
}
