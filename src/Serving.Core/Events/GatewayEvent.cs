using System.Text.Json.Nodes;

namespace Serving.Core.Events;

/// <summary>
/// One thing that happened that someone outside the gateway may act on (retrain, page, promote). The id is stable:
/// every redelivery of the event carries the same one, so a receiver can drop repeats (it is the webhook-id).
/// </summary>
/// <param name="Id">Unique and stable; producers derive it from what happened (an episode, a rollout, a run), never from the send.</param>
/// <param name="Type">One of <see cref="GatewayEventTypes"/>.</param>
/// <param name="Timestamp">When it happened (not when it was sent).</param>
/// <param name="Data">The event's own fields; always carries <c>model</c>, and <c>version</c> where one version is meant.</param>
public sealed record GatewayEvent(string Id, string Type, DateTimeOffset Timestamp, JsonObject Data);
