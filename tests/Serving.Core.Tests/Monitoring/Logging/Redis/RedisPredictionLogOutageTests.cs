using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Serving.Core.Monitoring.Logging;
using Serving.Core.Monitoring.Logging.Redis;
using StackExchange.Redis;

namespace Serving.Core.Tests.Monitoring.Logging.Redis;

/// <summary>
/// The prediction logger over the Redis sink while a real redis-server is killed and started again on the same
/// port. The server keeps nothing across a restart, so what it holds afterwards is exactly what was written
/// after the outage began.
/// </summary>
public sealed class RedisPredictionLogOutageTests
{
    private static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(20);

    private static PredictionLogger Logger(IConnectionMultiplexer connection, int capacity) => new(
        new RedisStreamPredictionSink(connection, maxLength: 100_000),
        Options.Create(new PredictionLogOptions { QueueCapacity = capacity }),
        TimeProvider.System,
        NullLogger<PredictionLogger>.Instance);

    [Fact]
    public async Task Records_held_during_an_outage_are_all_written_in_order_once_Redis_is_back()
    {
        await using var redis = await RedisServer.StartAsync();
        using var connection = await RedisConnectionFactory.ConnectAsync(redis.Configuration);
        var logger = Logger(connection, capacity: 10_000);
        await logger.StartAsync(TestContext.Current.CancellationToken);
        Offer(logger, 0, 100);
        await logger.FlushAsync(FlushTimeout);
        Assert.Equal(PredictionRecords.Ids(0, 100), await StreamContents.IdsAsync(connection));

        redis.Kill();
        var offering = Stopwatch.StartNew();
        Offer(logger, 100, 200);
        offering.Stop();
        await WaitUntil(() => logger.SinkFailures > 0, TimeSpan.FromSeconds(10));
        Offer(logger, 300, 100);
        await redis.RestartAsync();
        await logger.FlushAsync(FlushTimeout);
        await logger.StopAsync(CancellationToken.None);

        Assert.True(offering.Elapsed < TimeSpan.FromSeconds(1), $"offering 200 records took {offering.Elapsed} while Redis was down");
        Assert.True(logger.SinkFailures > 0);
        Assert.Equal(0, logger.Dropped);
        Assert.Equal(400, logger.Written);
        Assert.Equal(PredictionRecords.Ids(100, 300), await StreamContents.IdsAsync(connection));
    }

    [Fact]
    public async Task A_queue_that_fills_during_an_outage_counts_exactly_the_records_it_drops()
    {
        await using var redis = await RedisServer.StartAsync();
        using var connection = await RedisConnectionFactory.ConnectAsync(redis.Configuration);
        var logger = Logger(connection, capacity: 20);
        await logger.StartAsync(TestContext.Current.CancellationToken);

        redis.Kill();
        Offer(logger, 0, 10);
        await WaitUntil(() => logger.SinkFailures > 0, TimeSpan.FromSeconds(10));
        Offer(logger, 10, 190);
        await redis.RestartAsync();
        await logger.FlushAsync(FlushTimeout);
        await logger.StopAsync(CancellationToken.None);

        var ids = await StreamContents.IdsAsync(connection);
        Assert.Equal(200, logger.Queued);
        Assert.True(logger.Dropped > 0, "a queue of 20 cannot hold 190 records");
        Assert.Equal(200 - logger.Dropped, logger.Written);
        Assert.Equal(logger.Written, ids.Count);
        // What survived is the held batch and the queue: the first records offered, in order.
        Assert.Equal(PredictionRecords.Ids(0, ids.Count), ids);
    }

    [Fact]
    public async Task Redis_killed_mid_stream_neither_blocks_serving_nor_loses_a_record_offered_after_the_kill()
    {
        await using var redis = await RedisServer.StartAsync();
        using var connection = await RedisConnectionFactory.ConnectAsync(redis.Configuration);
        var logger = Logger(connection, capacity: 100_000);
        await logger.StartAsync(TestContext.Current.CancellationToken);
        var offered = 0;
        var slowest = TimeSpan.Zero;
        using var stop = new CancellationTokenSource();
        var producer = Task.Run(async () =>
        {
            var call = new Stopwatch();
            while (!stop.IsCancellationRequested)
            {
                for (var i = 0; i < 20; i++)
                {
                    call.Restart();
                    logger.Consume(PredictionRecords.Of(offered));
                    slowest = call.Elapsed > slowest ? call.Elapsed : slowest;
                    Volatile.Write(ref offered, offered + 1);
                }

                await Task.Delay(5, CancellationToken.None);
            }
        }, TestContext.Current.CancellationToken);

        await WaitUntil(() => logger.Written > 200, TimeSpan.FromSeconds(10));
        redis.Kill();
        var offeredAtKill = Volatile.Read(ref offered);
        await WaitUntil(() => logger.SinkFailures > 0, TimeSpan.FromSeconds(10));
        await redis.RestartAsync();
        await WaitUntil(() => logger.Written > offeredAtKill + 200, TimeSpan.FromSeconds(20));
        await stop.CancelAsync();
        await producer;
        await logger.FlushAsync(FlushTimeout);
        await logger.StopAsync(CancellationToken.None);

        var ids = await StreamContents.IdsAsync(connection);
        var first = int.Parse(ids[0].AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(slowest < TimeSpan.FromMilliseconds(500), $"one Consume call took {slowest}");
        Assert.Equal(0, logger.Dropped);
        Assert.Equal(offered, logger.Written);
        Assert.True(first <= offeredAtKill, $"the restarted server starts at r{first}, after r{offeredAtKill} was offered");
        Assert.Equal(PredictionRecords.Ids(first, offered - first), ids);
    }

    private static void Offer(PredictionLogger logger, int start, int count)
    {
        for (var i = start; i < start + count; i++)
        {
            logger.Consume(PredictionRecords.Of(i));
        }
    }

    private static async Task WaitUntil(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting");
            await Task.Delay(20);
        }
    }
}
