using System.Net;
using Serving.Gateway.Tests.Hosting;

namespace Serving.Gateway.Tests.Metrics;

/// <summary>The data directory's series on /metrics of a gateway whose data directory is writable.</summary>
public sealed class DataDirectoryMetricsTests(SampleGatewayFixture gateway) : IClassFixture<SampleGatewayFixture>
{
    [Fact]
    public async Task A_writable_data_directory_shows_as_writable_with_no_failed_saves()
    {
        var response = await gateway.Rest.GetAsync("/metrics", TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("# TYPE serving_data_directory_writable gauge\nserving_data_directory_writable 1\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE serving_state_save_failures_total counter\nserving_state_save_failures_total 0\n", text, StringComparison.Ordinal);
    }
}
