using StackExchange.Redis;

namespace Serving.Core.Monitoring.Shared;

/// <summary>
/// Reports the leader computed, kept in Redis as the JSON its endpoint answers with
/// (<c>serving:monitor:&lt;kind&gt;:&lt;model&gt;</c>), so a replica that is not the leader answers the same GET with the
/// leader's figures. Each snapshot expires after <see cref="Lifetime"/>: a leader gone quiet leaves nothing stale behind for long.
/// </summary>
public sealed class MonitorSnapshots(IConnectionMultiplexer redis)
{
    public const string KeyPrefix = "serving:monitor:";

    /// <summary>The drift report (<c>GET /monitoring/models/{name}/drift</c>).</summary>
    public const string Drift = "drift";

    /// <summary>The live performance report (<c>GET /monitoring/models/{name}/performance</c>).</summary>
    public const string Performance = "performance";

    public static TimeSpan Lifetime { get; } = TimeSpan.FromMinutes(5);

    public static string KeyOf(string kind, string model) => $"{KeyPrefix}{kind}:{model}";

    public Task WriteAsync(string kind, string model, byte[] json) =>
        redis.GetDatabase().StringSetAsync(KeyOf(kind, model), json, Lifetime);

    /// <summary>The snapshot, or null when there is none (no leader wrote one yet) or Redis does not answer.</summary>
    public async Task<byte[]?> ReadAsync(string kind, string model)
    {
        try
        {
            var value = await redis.GetDatabase().StringGetAsync(KeyOf(kind, model)).ConfigureAwait(false);
            return value.IsNull ? null : (byte[]?)value;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return null;
        }
    }
}
