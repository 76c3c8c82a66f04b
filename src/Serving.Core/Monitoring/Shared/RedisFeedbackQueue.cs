using Serving.Core.Monitoring.Performance;
using StackExchange.Redis;

namespace Serving.Core.Monitoring.Shared;

/// <summary>
/// Feedback taken by any replica goes to the leader, whose performance monitor holds every replica's predictions:
/// the batch is added to the stream <see cref="Stream"/>, the leader's <see cref="RedisMonitorFeed"/> joins it and
/// leaves the outcome under <c>serving:feedback:result:&lt;entry id&gt;</c>, and the replica answers its caller with
/// that outcome (the same answer one process gives).
/// </summary>
public sealed class RedisFeedbackQueue(IConnectionMultiplexer redis)
{
    public const string Stream = "serving:feedback";

    public const string ResultPrefix = "serving:feedback:result:";

    public const string ItemsField = "items";

    /// <summary>How long an outcome is kept for the replica that waits on it.</summary>
    public static TimeSpan ResultLifetime { get; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Hands the batch to the leader and waits up to <paramref name="patience"/> for the outcome. Null when the
    /// leader did not answer in time (the batch is still joined when it reads it); throws <see cref="IOException"/>
    /// when Redis does not take the batch.
    /// </summary>
    public async Task<FeedbackResult?> SubmitAsync(IReadOnlyList<FeedbackItem> items, TimeSpan patience, CancellationToken cancellationToken)
    {
        var database = redis.GetDatabase();
        RedisValue id;
        try
        {
            id = await database.StreamAddAsync(Stream, ItemsField, FeedbackJson.Items(items), maxLength: 100_000, useApproximateMaxLength: true).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            throw new IOException($"Redis did not take the feedback: {ex.Message}", ex);
        }

        var deadline = DateTime.UtcNow + patience;
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(10, cancellationToken).ConfigureAwait(false);
            try
            {
                var result = await database.StringGetAsync(ResultPrefix + id).ConfigureAwait(false);
                if (!result.IsNull)
                    return FeedbackJson.ReadResult((byte[])result!);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                return null;
            }
        }

        return null;
    }

    /// <summary>The leader's side: the outcome of one batch, for the replica that waits on it.</summary>
    internal static Task SaveResultAsync(IDatabase database, RedisValue id, FeedbackResult result) =>
        database.StringSetAsync(ResultPrefix + id, FeedbackJson.Result(result), ResultLifetime);
}
