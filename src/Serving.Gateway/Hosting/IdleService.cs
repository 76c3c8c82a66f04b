namespace Serving.Gateway.Hosting;

/// <summary>Stands in for a Redis-only hosted service when Redis is off (embedded mode does not run it).</summary>
internal sealed class IdleService : IHostedService
{
    public static IdleService Instance { get; } = new();

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
