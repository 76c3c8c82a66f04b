namespace Serving.Core.Events;

/// <summary>The publisher when nothing is wired to deliver events: they are dropped (hosts and tests without webhooks).</summary>
public sealed class NoEventPublisher : IGatewayEventPublisher
{
    /// <summary>The one instance.</summary>
    public static NoEventPublisher Instance { get; } = new();

    /// <inheritdoc />
    public ValueTask PublishAsync(GatewayEvent gatewayEvent, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
}
