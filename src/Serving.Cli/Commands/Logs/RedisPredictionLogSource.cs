using Serving.Core.Monitoring.Logging.Redis;
using StackExchange.Redis;

namespace Serving.Cli.Commands.Logs;

/// <summary>
/// Reads a model's Redis stream (<c>serving:predictions:&lt;model&gt;</c>): the tail with XREVRANGE, then new
/// entries by polling XREAD after the last id seen (StackExchange.Redis does not block on streams).
/// </summary>
internal sealed class RedisPredictionLogSource(IDatabase database, string model) : IPredictionLogSource
{
    private const int PageSize = 1000;

    private readonly RedisKey _key = RedisPredictionStreams.KeyOf(model);
    private RedisValue _lastId = "0-0";

    public string Description => $"Redis stream {_key}";

    public Task<bool> ExistsAsync(CancellationToken cancellationToken) => database.KeyExistsAsync(_key);

    public async Task<IReadOnlyList<string>> TailAsync(int count, CancellationToken cancellationToken)
    {
        // The newest entry fixes where following starts, even when no entry is printed (-n 0).
        var newest = await database.StreamRangeAsync(_key, count: 1, messageOrder: Order.Descending).ConfigureAwait(false);
        if (newest.Length > 0)
        {
            _lastId = newest[0].Id;
        }

        if (count <= 0)
        {
            return [];
        }

        var entries = await database.StreamRangeAsync(_key, maxId: _lastId, count: count, messageOrder: Order.Descending).ConfigureAwait(false);
        return [.. entries.Reverse().Select(Record)];
    }

    public async Task<IReadOnlyList<string>> ReadNewAsync(CancellationToken cancellationToken)
    {
        var entries = await database.StreamReadAsync(_key, _lastId, PageSize).ConfigureAwait(false);
        if (entries.Length > 0)
        {
            _lastId = entries[^1].Id;
        }

        return [.. entries.Select(Record)];
    }

    private static string Record(StreamEntry entry) => (string?)entry[RedisPredictionStreams.RecordField] ?? "{}";
}
