using Serving.Core.Health;

namespace Serving.Gateway.Hosting;

/// <summary>
/// The first step of a graceful shutdown: readiness turns false the moment the host begins to stop (SIGTERM), before
/// the server drains in-flight requests, logs flush, the outbox is saved and the leader lease is released.
/// </summary>
internal sealed partial class ShutdownReadiness : IReadinessDetail
{
    public const string Name = "shutdown";

    private readonly IHostApplicationLifetime _lifetime;

    public ShutdownReadiness(IHostApplicationLifetime lifetime, ILogger<ShutdownReadiness> logger)
    {
        _lifetime = lifetime;
        lifetime.ApplicationStopping.Register(() => NotReady(logger));
    }

    public ReadinessDetail Check() => _lifetime.ApplicationStopping.IsCancellationRequested
        ? new ReadinessDetail(Name, Ready: false, "the gateway is shutting down")
        : new ReadinessDetail(Name, Ready: true);

    [LoggerMessage(EventId = 3140, Level = LogLevel.Information, Message = "Shutting down: readiness is false from now on; in-flight requests finish, then logs flush, the outbox is saved and the leader lease is released")]
    private static partial void NotReady(ILogger logger);
}
