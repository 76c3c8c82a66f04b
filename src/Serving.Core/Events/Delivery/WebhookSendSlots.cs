using Microsoft.Extensions.Options;
using Serving.Core.Events.Webhooks;

namespace Serving.Core.Events.Delivery;

/// <summary>Bounds requests in flight to all receivers together (<see cref="WebhookOptions.MaxConcurrentDeliveries"/>); held per attempt, not between retries.</summary>
internal sealed class WebhookSendSlots(IOptions<WebhookOptions> options) : IDisposable
{
    public SemaphoreSlim Slots { get; } = new(options.Value.MaxConcurrentDeliveries, options.Value.MaxConcurrentDeliveries);

    public void Dispose() => Slots.Dispose();
}
