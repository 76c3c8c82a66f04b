using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Serving.Core.Events.Outbox.Redis;

/// <summary>How an event and a delivery-log entry are written into Redis and read back.</summary>
internal static class RedisEventCodec
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The event again from its stored body (<c>{"type", "timestamp", "data"}</c>); null when the body is not that.</summary>
    public static GatewayEvent? FromBody(string id, string type, DateTimeOffset timestamp, string body)
    {
        try
        {
            return JsonNode.Parse(body) is JsonObject { } root && root["data"] is JsonObject data
                ? new GatewayEvent(id, type, timestamp, (JsonObject)data.DeepClone())
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    public static DateTimeOffset ParseTime(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : DateTimeOffset.UnixEpoch;

    public static string Encode(DeliveryView view) => JsonSerializer.Serialize(view, Json);

    public static DeliveryView? Decode(string? json)
    {
        if (json is null)
            return null;
        try
        {
            return JsonSerializer.Deserialize<DeliveryView>(json, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
