using StackExchange.Redis;

namespace Serving.Core.Coordination;

/// <summary>Consumer groups of the Redis streams a leader reads (the webhook outbox, the monitoring feed).</summary>
public static class RedisStreamGroups
{
    /// <summary>
    /// Makes <paramref name="group"/> on <paramref name="stream"/> (and the stream), reading from the start of what
    /// the stream keeps, so entries written before any leader read are taken too; a group an earlier leader made is
    /// kept with its position.
    /// </summary>
    public static async Task EnsureAsync(IDatabase database, RedisKey stream, RedisValue group)
    {
        ArgumentNullException.ThrowIfNull(database);
        try
        {
            await database.StreamCreateConsumerGroupAsync(stream, group, "0-0", createStream: true).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (ex.Message.Contains("BUSYGROUP", StringComparison.Ordinal))
        {
            // Made by an earlier leader: carry on from its position.
        }
    }
}
