using Serving.Core.Monitoring.Logging;

namespace Serving.Core.Tests.Monitoring.Logging.Redis;

/// <summary>Retries a sink write until it succeeds or the time is up (the multiplexer reconnects on its own schedule).</summary>
internal static class Eventually
{
    public static async Task WriteAsync(IPredictionSink sink, IReadOnlyList<LoggedPrediction> batch, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                await sink.WriteAsync(batch, CancellationToken.None);
                return;
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }
}
