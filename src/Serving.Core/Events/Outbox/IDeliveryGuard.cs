namespace Serving.Core.Events.Outbox;

/// <summary>
/// Asked by the deliverer just before it sends: with Redis, a delivery this process still holds as pending may have
/// been finished by another leader meanwhile (this replica lost leadership and won it back), and must not be sent again.
/// </summary>
public interface IDeliveryGuard
{
    /// <summary>The state (delivered, failed, cancelled) another replica finished the delivery with, or null to send it.</summary>
    ValueTask<string?> FinishedElsewhereAsync(string eventId, string subscription, CancellationToken cancellationToken);
}

/// <summary>The embedded guard: one process, so nothing is finished elsewhere.</summary>
public sealed class NoDeliveryGuard : IDeliveryGuard
{
    public static NoDeliveryGuard Instance { get; } = new();

    private NoDeliveryGuard()
    {
    }

    public ValueTask<string?> FinishedElsewhereAsync(string eventId, string subscription, CancellationToken cancellationToken) => ValueTask.FromResult<string?>(null);
}
