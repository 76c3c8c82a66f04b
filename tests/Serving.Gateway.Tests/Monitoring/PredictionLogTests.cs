using System.Text;
using System.Text.Json;
using Serving.Core.Monitoring.Logging;
using Serving.Gateway.Tests.Hosting;

namespace Serving.Gateway.Tests.Monitoring;

/// <summary>The real gateway logs each prediction under the id it returns.</summary>
public sealed class PredictionLogTests(SampleGatewayFixture gateway) : IClassFixture<SampleGatewayFixture>
{
    [Fact]
    public async Task A_prediction_is_logged_under_the_id_the_caller_got_back()
    {
        var response = await gateway.Rest.PostAsync(
            "/v2/models/iris/infer",
            new StringContent("""{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[6.3,3.3,6.0,2.5]}]}""", Encoding.UTF8, "application/json"),
            TestContext.Current.CancellationToken);
        var id = response.Headers.GetValues("X-Prediction-Id").Single();
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        var logger = (PredictionLogger)gateway.Host.Services.GetService(typeof(PredictionLogger))!;
        await logger.FlushAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(id, body.GetProperty("id").GetString());
        var line = Directory.GetFiles(Path.Combine(gateway.Host.PredictionLogPath, "iris"))
            .SelectMany(File.ReadAllLines)
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Single(l => l.GetProperty("id").GetString() == id);
        Assert.Equal("iris", line.GetProperty("model").GetString());
        Assert.Equal("rest", line.GetProperty("protocol").GetString());
        Assert.Equal("[6.3,3.3,6,2.5]", line.GetProperty("inputs").GetProperty("input").GetProperty("data").GetRawText());
        Assert.Equal(body.GetProperty("outputs")[0].GetProperty("data").GetRawText(), line.GetProperty("outputs").GetProperty("label").GetProperty("data").GetRawText());
    }
}
