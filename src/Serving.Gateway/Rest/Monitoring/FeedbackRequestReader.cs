using System.Text.Json;
using Serving.Core.Monitoring.Performance;

namespace Serving.Gateway.Rest.Monitoring;

/// <summary>
/// Reads <c>POST /monitoring/feedback</c>: one <c>{"id", "label"}</c> object or a list of them. A label is a number,
/// true/false, text, or (for a prediction of several rows) a list of those. Malformed JSON throws
/// <see cref="JsonException"/>; items that are well-formed but unusable become items the monitor counts and explains.
/// </summary>
internal static class FeedbackRequestReader
{
    public static IReadOnlyList<FeedbackItem> Read(ReadOnlyMemory<byte> body)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        return root.ValueKind switch
        {
            JsonValueKind.Object => [Item(root)],
            JsonValueKind.Array => [.. root.EnumerateArray().Select(Item)],
            _ => throw new JsonException("expected {\"id\": ..., \"label\": ...} or a list of such objects"),
        };
    }

    private static FeedbackItem Item(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return new FeedbackItem(null, []);
        }

        string? id = null;
        IReadOnlyList<FeedbackLabel> labels = [];
        foreach (var property in element.EnumerateObject())
        {
            if (property.NameEquals("id"))
            {
                id = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString(),
                    JsonValueKind.Number => property.Value.GetRawText(),
                    _ => null,
                };
            }
            else if (property.NameEquals("label"))
            {
                labels = property.Value.ValueKind == JsonValueKind.Array
                    ? [.. property.Value.EnumerateArray().Select(Label)]
                    : [Label(property.Value)];
            }
        }

        return new FeedbackItem(id, labels);
    }

    private static FeedbackLabel Label(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => FeedbackLabel.OfNumber(value.GetDouble()),
        JsonValueKind.True => FeedbackLabel.OfBoolean(true),
        JsonValueKind.False => FeedbackLabel.OfBoolean(false),
        JsonValueKind.String => FeedbackLabel.OfText(value.GetString()!),
        JsonValueKind.Null => FeedbackLabel.Unusable("null"),
        JsonValueKind.Array => FeedbackLabel.Unusable("a nested list"),
        _ => FeedbackLabel.Unusable("an object"),
    };
}
