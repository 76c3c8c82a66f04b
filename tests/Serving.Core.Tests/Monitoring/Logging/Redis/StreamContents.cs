using Serving.Core.Monitoring.Logging.Redis;
using StackExchange.Redis;

namespace Serving.Core.Tests.Monitoring.Logging.Redis;

/// <summary>Reads a model's prediction stream back, oldest first.</summary>
internal static class StreamContents
{
    public static async Task<StreamEntry[]> EntriesAsync(IConnectionMultiplexer connection, string model = "m") =>
        await connection.GetDatabase().StreamRangeAsync(RedisPredictionStreams.KeyOf(model));

    public static async Task<List<string>> IdsAsync(IConnectionMultiplexer connection, string model = "m") =>
        [.. (await EntriesAsync(connection, model)).Select(e => (string)e[RedisPredictionStreams.IdField]!)];
}
