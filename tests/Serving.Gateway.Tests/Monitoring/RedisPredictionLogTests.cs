using System.Text;
using System.Text.Json;
using Serving.Core.Monitoring.Logging;
using Serving.Core.Monitoring.Logging.Redis;
using Serving.Gateway.Tests.Hosting;
using StackExchange.Redis;

namespace Serving.Gateway.Tests.Monitoring;

/// <summary>With <c>Serving:Redis:Configuration</c> set, the real gateway logs predictions to Redis Streams.</summary>
public sealed class RedisPredictionLogTests
{
    private const string IrisRow = """{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[6.3,3.3,6.0,2.5]}]}""";

    [Fact]
    public async Task The_gateway_starts_and_serves_while_Redis_is_down_and_logs_to_its_stream_once_Redis_is_up()
    {
        var token = TestContext.Current.CancellationToken;
        await using var redis = await RedisServer.StartAsync();
        redis.Kill();
        using var registry = new SampleRegistry("iris");
        await using var host = await new GatewayHost(registry.Path, new Dictionary<string, string?>
        {
            ["Serving:Redis:Configuration"] = redis.Configuration,
        }).StartAsync();
        using var rest = host.CreateRestClient();

        var response = await rest.PostAsync("/v2/models/iris/infer", new StringContent(IrisRow, Encoding.UTF8, "application/json"), token);
        var id = response.Headers.GetValues("X-Prediction-Id").Single();
        await redis.RestartAsync();
        var logger = (PredictionLogger)host.Services.GetService(typeof(PredictionLogger))!;
        await logger.FlushAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.False(Directory.Exists(host.PredictionLogPath), "with Redis configured, no local files are written");
        using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var entry = Assert.Single(await connection.GetDatabase().StreamRangeAsync(RedisPredictionStreams.KeyOf("iris")));
        Assert.Equal(id, (string)entry[RedisPredictionStreams.IdField]!);
        using var record = JsonDocument.Parse((string)entry[RedisPredictionStreams.RecordField]!);
        Assert.Equal("[6.3,3.3,6,2.5]", record.RootElement.GetProperty("inputs").GetProperty("input").GetProperty("data").GetRawText());
    }
}
