namespace Serving.Gateway.Tests.Hosting;

/// <summary>
/// A real gateway, one per test, serving iris by default with Kestrel:Limits:MaxRequestBodySize at
/// <see cref="Limit"/> bytes: the host of the body limit and compressed body tests.
/// </summary>
public abstract class BodyLimitedGateway : IAsyncLifetime
{
    /// <summary>The body limit in bytes: <see cref="IrisRows"/> of 400 rows is over it, of a few rows well under.</summary>
    protected const int Limit = 4096;

    private readonly SampleRegistry _registry = new("iris");

    protected GatewayHost Host { get; private set; } = null!;

    public async ValueTask InitializeAsync() =>
        Host = await new GatewayHost(_registry.Path, new Dictionary<string, string?> { ["Kestrel:Limits:MaxRequestBodySize"] = $"{Limit}", ["Serving:DefaultModel"] = "iris" }).StartAsync();

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        _registry.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>An OIP JSON request of <paramref name="rows"/> iris rows, with a fixed id so two answers to it are the same bytes.</summary>
    protected static string IrisRows(int rows) =>
        $$"""{"id":"fixed","inputs":[{"name":"input","shape":[{{rows}},4],"datatype":"FP32","data":[{{string.Join(',', Enumerable.Repeat("5.1,3.5,1.4,0.2", rows))}}]}]}""";
}
