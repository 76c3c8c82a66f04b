namespace Serving.Core.Monitoring.Logging;

/// <summary>Where prediction records end up (local files, Redis Streams). Throws on failure; the writer retries.</summary>
public interface IPredictionSink : IAsyncDisposable
{
    /// <summary>
    /// Writes a batch in order; either all of it is durable or it throws. The records' <see cref="LoggedPrediction.Json"/>
    /// bytes may be reused once this returns or throws, so a sink copies what it keeps.
    /// </summary>
    ValueTask WriteAsync(IReadOnlyList<LoggedPrediction> batch, CancellationToken cancellationToken);
}
