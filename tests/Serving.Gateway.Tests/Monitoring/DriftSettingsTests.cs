using Microsoft.Extensions.Options;
using Serving.Gateway.Tests.Hosting;

namespace Serving.Gateway.Tests.Monitoring;

/// <summary>Drift settings are validated when the gateway starts.</summary>
public sealed class DriftSettingsTests
{
    [Fact]
    public async Task A_bad_threshold_stops_start_up_and_names_its_key()
    {
        using var registry = new SampleRegistry("iris");
        await using var host = new GatewayHost(registry.Path, new Dictionary<string, string?>
        {
            ["Serving:Monitoring:Models:iris:Drift:KsPValue"] = "1.5",
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(host.StartAsync);

        Assert.Contains("Serving:Monitoring:Models:iris:Drift:KsPValue is '1.5'; use a number above 0 and at most 1", error.Message, StringComparison.Ordinal);
    }
}
