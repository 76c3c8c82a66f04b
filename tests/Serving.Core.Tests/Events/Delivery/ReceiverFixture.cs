namespace Serving.Core.Tests.Events.Delivery;

/// <summary>
/// A data directory for the outbox and one well-behaved receiver, for the delivery tests that set a misbehaving
/// receiver beside it.
/// </summary>
public abstract class ReceiverFixture : IAsyncLifetime
{
    /// <summary>The gateway's data directory for this test (removed afterwards).</summary>
    protected string Data { get; } = Directory.CreateTempSubdirectory("webhooks-").FullName;

    /// <summary>A receiver that accepts every delivery.</summary>
    protected WebhookReceiver Good { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Good = await WebhookReceiver.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await Good.DisposeAsync();
        Directory.Delete(Data, recursive: true);
        GC.SuppressFinalize(this);
    }
}
