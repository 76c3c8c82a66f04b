using Grpc.Health.V1;

namespace Serving.Gateway.Tests.Grpc;

/// <summary>The standard grpc.health.v1 service, fed by the data plane's readiness.</summary>
public sealed class GrpcHealthServiceTests
{
    private readonly FakeInferenceService inference = new();

    [Theory]
    [InlineData("", true, HealthCheckResponse.Types.ServingStatus.Serving)]
    [InlineData("", false, HealthCheckResponse.Types.ServingStatus.NotServing)]
    [InlineData("inference.GRPCInferenceService", true, HealthCheckResponse.Types.ServingStatus.Serving)]
    [InlineData("inference.GRPCInferenceService", false, HealthCheckResponse.Types.ServingStatus.NotServing)]
    public async Task Check_reports_the_data_planes_readiness(string service, bool ready, HealthCheckResponse.Types.ServingStatus expected)
    {
        inference.IsServerReady = ready;
        await using var host = await GrpcTestHost.StartAsync(inference);

        var response = await new Health.HealthClient(host.Channel).CheckAsync(
            new HealthCheckRequest { Service = service },
            cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(expected, response.Status);
    }

    [Fact]
    public async Task Check_follows_readiness_as_it_changes()
    {
        inference.IsServerReady = false;
        await using var host = await GrpcTestHost.StartAsync(inference);
        var client = new Health.HealthClient(host.Channel);
        var before = await client.CheckAsync(new HealthCheckRequest(), cancellationToken: TestContext.Current.CancellationToken);

        inference.IsServerReady = true;
        var after = await client.CheckAsync(new HealthCheckRequest(), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, before.Status);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, after.Status);
    }
}
