using Serving.Core.Monitoring.Logging.Redis;

namespace Serving.Cli.Tests.Commands.Logs;

/// <summary><c>serving logs tail --redis</c> over the streams the gateway's Redis sink writes, on a real redis-server.</summary>
public sealed class LogsTailRedisTests
{
    private static async Task WriteAsync(RedisServer redis, int start, int count, string model = "m")
    {
        await using var connection = await RedisConnectionFactory.ConnectAsync(redis.Configuration);
        var sink = new RedisStreamPredictionSink(connection, maxLength: 100_000);
        await sink.WriteAsync(PredictionRecords.Range(start, count, model), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Tail_prints_the_newest_records_of_the_models_stream_oldest_first()
    {
        await using var redis = await RedisServer.StartAsync();
        await WriteAsync(redis, 0, 50);
        await WriteAsync(redis, 0, 5, model: "other");

        var run = await LogsRun.CompleteAsync("logs", "tail", "m", "--redis", redis.Configuration, "-n", "20");

        Assert.Equal(0, await run.ExitCode);
        Assert.Equal(PredictionRecords.Ids(30, 20), run.Ids);
    }

    [Fact]
    public async Task Tail_of_a_model_without_a_stream_fails_and_names_the_key()
    {
        await using var redis = await RedisServer.StartAsync();

        var run = await LogsRun.CompleteAsync("logs", "tail", "m", "--redis", redis.Configuration);

        Assert.Equal(1, await run.ExitCode);
        Assert.Contains("serving:predictions:m", run.Messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tail_against_a_Redis_that_is_down_fails_with_a_message()
    {
        await using var redis = await RedisServer.StartAsync();
        redis.Kill();

        var run = await LogsRun.CompleteAsync("logs", "tail", "m", "--redis", redis.Configuration);

        Assert.Equal(1, await run.ExitCode);
        Assert.Contains("Redis", run.Messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_redis_configuration_string_is_one_error_line()
    {
        var run = await LogsRun.CompleteAsync("logs", "tail", "m", "--redis", "garbage:::,,abortConnect=maybe");

        Assert.Equal(1, await run.ExitCode);
        Assert.Contains("the Redis configuration string is invalid", run.Messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Follow_polls_the_stream_for_records_written_after_it_started()
    {
        await using var redis = await RedisServer.StartAsync();
        await WriteAsync(redis, 0, 10);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        var run = LogsRun.Start(stop.Token, "logs", "tail", "m", "--redis", redis.Configuration, "-n", "3", "-f");
        await run.WaitForAsync(3, TimeSpan.FromSeconds(10));
        await WriteAsync(redis, 10, 1500);
        await run.WaitForAsync(1503, TimeSpan.FromSeconds(15));
        await stop.CancelAsync();

        Assert.Equal(0, await run.ExitCode);
        Assert.Equal([.. PredictionRecords.Ids(7, 3), .. PredictionRecords.Ids(10, 1500)], run.Ids);
    }
}
