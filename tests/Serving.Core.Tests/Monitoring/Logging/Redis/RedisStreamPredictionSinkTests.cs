using System.Text.Json;
using Serving.Core.Monitoring.Logging;
using Serving.Core.Monitoring.Logging.Redis;
using StackExchange.Redis;

namespace Serving.Core.Tests.Monitoring.Logging.Redis;

public sealed class RedisStreamPredictionSinkTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Records_arrive_in_order_with_id_model_version_and_the_record_as_json()
    {
        await using var redis = await SinkOnRedis.StartAsync(100_000);
        var (connection, sink) = (redis.Connection, redis.Sink);

        await sink.WriteAsync(PredictionRecords.Range(0, 300), Token);
        await sink.WriteAsync(PredictionRecords.Range(300, 200), Token);

        var entries = await StreamContents.EntriesAsync(connection);
        Assert.Equal(PredictionRecords.Ids(0, 500), entries.Select(e => (string)e["id"]!));
        Assert.All(entries, e => Assert.Equal("m", (string)e["model"]!));
        Assert.All(entries, e => Assert.Equal("1", (string)e["version"]!));
        using var record = JsonDocument.Parse((string)entries[42]["record"]!);
        Assert.Equal("r42", record.RootElement.GetProperty("id").GetString());
        Assert.Equal(42f, record.RootElement.GetProperty("inputs").GetProperty("x").GetProperty("data")[0].GetSingle());
    }

    [Fact]
    public async Task Each_model_is_written_to_its_own_stream()
    {
        await using var redis = await SinkOnRedis.StartAsync(100_000);
        var (connection, sink) = (redis.Connection, redis.Sink);

        await sink.WriteAsync([.. new[] { PredictionRecords.Of(1, "a"), PredictionRecords.Of(2, "b"), PredictionRecords.Of(3, "a") }.Select(LoggedPrediction.Of)], Token);

        Assert.Equal(["r1", "r3"], await StreamContents.IdsAsync(connection, "a"));
        Assert.Equal(["r2"], await StreamContents.IdsAsync(connection, "b"));
        Assert.True(await connection.GetDatabase().KeyExistsAsync("serving:predictions:a"));
    }

    [Fact]
    public async Task A_stream_is_trimmed_near_its_length_cap_and_keeps_the_newest_records()
    {
        // Approximate trimming drops whole stream nodes; small nodes make "near the cap" tight.
        await using var redis = await SinkOnRedis.StartAsync(50, "--stream-node-max-entries", "10");
        var (connection, sink) = (redis.Connection, redis.Sink);

        for (var start = 0; start < 1000; start += 100)
        {
            await sink.WriteAsync(PredictionRecords.Range(start, 100), Token);
        }

        var ids = await StreamContents.IdsAsync(connection);
        Assert.InRange(ids.Count, 50, 60);
        Assert.Equal(PredictionRecords.Ids(1000 - ids.Count, ids.Count), ids);
    }

    [Fact]
    public async Task A_write_while_Redis_is_down_throws_an_IOException_so_the_logger_retries()
    {
        await using var redis = await SinkOnRedis.StartAsync(100);
        var sink = redis.Sink;
        redis.Server.Kill();

        await Assert.ThrowsAsync<IOException>(async () => await sink.WriteAsync(PredictionRecords.Range(0, 10), Token));
    }

    [Fact]
    public async Task A_retried_batch_that_had_landed_after_all_is_not_written_twice()
    {
        await using var redis = await SinkOnRedis.StartAsync(1000);
        var (connection, sink) = (redis.Connection, redis.Sink);
        await sink.WriteAsync(PredictionRecords.Range(0, 3), Token);

        // A wait cancelled after the transactions went out: the sink cannot know they landed, and the logger
        // retries the same batch. Both models' parts land, so the retry must add nothing. Redis holds every client's
        // commands for a moment, so the answer cannot arrive before the sink sees its wait cancelled (it could,
        // now and then, on a fast round trip, and then nothing was cancelled).
        List<LoggedPrediction> batch = [.. PredictionRecords.Range(3, 4), .. PredictionRecords.Range(7, 2, "other")];
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await using (var admin = await ConnectionMultiplexer.ConnectAsync(redis.Server.Configuration + ",allowAdmin=true"))
        {
            await admin.GetDatabase().ExecuteAsync("CLIENT", "PAUSE", "300");
        }

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await sink.WriteAsync(batch, cancelled.Token));
        await WaitForLengthAsync(connection, "m", 7);
        await sink.WriteAsync(batch, Token);
        await sink.WriteAsync(PredictionRecords.Range(9, 2), Token);

        Assert.Equal(PredictionRecords.Ids(0, 7).Concat(PredictionRecords.Ids(9, 2)), await StreamContents.IdsAsync(connection));
        Assert.Equal(2, await connection.GetDatabase().StreamLengthAsync(RedisPredictionStreams.KeyOf("other")));
    }

    [Fact]
    public async Task A_retried_batch_that_never_landed_is_written_in_full()
    {
        await using var redis = await SinkOnRedis.StartAsync(1000);
        var (connection, sink) = (redis.Connection, redis.Sink);
        await sink.WriteAsync(PredictionRecords.Range(0, 3), Token);
        redis.Server.Kill();
        await Assert.ThrowsAsync<IOException>(async () => await sink.WriteAsync(PredictionRecords.Range(3, 4), Token));

        await redis.Server.RestartAsync();
        await Eventually.WriteAsync(sink, PredictionRecords.Range(3, 4), TimeSpan.FromSeconds(15));

        // The restarted server kept nothing, so the held batch is all it has.
        Assert.Equal(PredictionRecords.Ids(3, 4), await StreamContents.IdsAsync(connection));
    }

    private static async Task WaitForLengthAsync(IConnectionMultiplexer connection, string model, long length)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (await connection.GetDatabase().StreamLengthAsync(RedisPredictionStreams.KeyOf(model)) < length)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the stream of {model} never reached {length} entries");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task The_connection_opens_while_Redis_is_down_and_writes_succeed_once_it_is_up()
    {
        await using var redis = await RedisServer.StartAsync();
        redis.Kill();
        using var connection = await RedisConnectionFactory.ConnectAsync(redis.Configuration);
        Assert.False(connection.IsConnected);
        var sink = new RedisStreamPredictionSink(connection, maxLength: 100);

        await redis.RestartAsync();
        await Eventually.WriteAsync(sink, PredictionRecords.Range(0, 3), TimeSpan.FromSeconds(15));

        Assert.Equal(PredictionRecords.Ids(0, 3), await StreamContents.IdsAsync(connection));
    }

    /// <summary>A redis-server of the test's own, a connection to it and a sink over that connection.</summary>
    private sealed class SinkOnRedis : IAsyncDisposable
    {
        private SinkOnRedis(RedisServer server, IConnectionMultiplexer connection, long maxLength)
        {
            Server = server;
            Connection = connection;
            Sink = new RedisStreamPredictionSink(connection, maxLength);
        }

        public RedisServer Server { get; }

        public IConnectionMultiplexer Connection { get; }

        public RedisStreamPredictionSink Sink { get; }

        public static async Task<SinkOnRedis> StartAsync(long maxLength, params string[] serverArguments)
        {
            var server = await RedisServer.StartAsync(serverArguments);
            return new SinkOnRedis(server, await RedisConnectionFactory.ConnectAsync(server.Configuration), maxLength);
        }

        public async ValueTask DisposeAsync()
        {
            Connection.Dispose();
            await Server.DisposeAsync();
        }
    }
}
