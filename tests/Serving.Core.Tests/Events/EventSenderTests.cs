using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Serving.Core.Events;
using Serving.Core.Tests.Support;

namespace Serving.Core.Tests.Events;

/// <summary>The sender producers use: events arrive in the order sent, and a publisher that fails never reaches the producer.</summary>
public sealed class EventSenderTests
{
    private static GatewayEvent Event(string id) => new(id, GatewayEventTypes.DriftDetected, DateTimeOffset.UnixEpoch, new JsonObject { ["model"] = "m" });

    [Fact]
    public async Task Events_reach_the_publisher_in_the_order_sent()
    {
        var publisher = new RecordingEventPublisher();
        var sender = new EventSender(publisher, NullLogger.Instance);

        for (var i = 0; i < 50; i++)
        {
            sender.Send(Event($"e{i}"));
        }

        await sender.FlushAsync();

        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"e{i}"), publisher.Events.Select(e => e.Id));
    }

    [Fact]
    public async Task A_publisher_that_throws_is_logged_and_the_next_event_still_goes()
    {
        var publisher = new FailingOnce();
        var sender = new EventSender(publisher, NullLogger.Instance);

        sender.Send(Event("fails"));
        sender.Send(Event("goes"));
        await sender.FlushAsync();

        Assert.Equal(["goes"], publisher.Published);
    }

    private sealed class FailingOnce : IGatewayEventPublisher
    {
        private bool _failed;

        public List<string> Published { get; } = [];

        public ValueTask PublishAsync(GatewayEvent gatewayEvent, CancellationToken cancellationToken = default)
        {
            if (!_failed)
            {
                _failed = true;
                throw new IOException("disk full");
            }

            Published.Add(gatewayEvent.Id);
            return ValueTask.CompletedTask;
        }
    }
}
