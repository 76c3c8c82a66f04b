namespace Serving.Core.Monitoring.Logging;

/// <summary>Where prediction records end up (local files, Redis Streams). Throws on failure; the writer retries.</summary>
public interface IPredictionSink : IAsyncDisposable
{
    /// <summary>
    /// Writes a batch in order; either all of it is durable or it throws. The records' <see cref="LoggedPrediction.Json"/>
    /// bytes may be reused once this returns or throws, so a sink copies what it keeps.
    /// </summary>
    ValueTask WriteAsync(IReadOnlyList<LoggedPrediction> batch, CancellationToken cancellationToken);

    /// <summary>
    /// Whether a write only takes the calling thread's own time (local files): such a sink is written from the
    /// monitoring pipeline's thread at the end of each drain. A sink that waits on a network (Redis) is written from
    /// the logger's own writer, so that a slow server never holds up drift and live performance.
    /// </summary>
    bool WritesInline => false;
}
