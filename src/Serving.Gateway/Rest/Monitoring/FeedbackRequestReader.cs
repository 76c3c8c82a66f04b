using System.Text.Json;
using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Core.Monitoring.Performance;

namespace Serving.Gateway.Rest.Monitoring;

/// <summary>
/// Reads <c>POST /monitoring/feedback</c>: one <c>{"id", "label"}</c> object or a list of them. A label is a number,
/// true/false, text, or (for a prediction of several rows) a list of those. Malformed JSON throws
/// <see cref="JsonException"/>; a post over a limit (items, labels per item, text label length) or with an id that can
/// never be a prediction id throws an <see cref="InferenceException"/> that names the limit, before anything is held;
/// items that are well-formed but unusable become items the monitor counts and explains.
/// </summary>
internal static class FeedbackRequestReader
{
    private const string Section = "Serving:Monitoring:Performance";

    public static IReadOnlyList<FeedbackItem> Read(ReadOnlyMemory<byte> body, PerformanceOptions limits, int maxIdLength = PredictionIds.DefaultMaxLength)
    {
        ArgumentNullException.ThrowIfNull(limits);
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        switch (root.ValueKind)
        {
            case JsonValueKind.Object:
                return [Item(root, 0, limits, maxIdLength)];
            case JsonValueKind.Array:
                var count = root.GetArrayLength();
                if (count > limits.MaxFeedbackItems)
                {
                    throw InferenceException.PayloadTooLarge(
                        $"the feedback has {count} items; one post takes at most {limits.MaxFeedbackItems} ({Section}:{nameof(PerformanceOptions.MaxFeedbackItems)})");
                }

                var items = new FeedbackItem[count];
                var index = 0;
                foreach (var element in root.EnumerateArray())
                {
                    items[index] = Item(element, index, limits, maxIdLength);
                    index++;
                }

                return items;
            default:
                throw new JsonException("expected {\"id\": ..., \"label\": ...} or a list of such objects");
        }
    }

    private static FeedbackItem Item(JsonElement element, int index, PerformanceOptions limits, int maxIdLength)
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
                id = Id(property.Value, index, maxIdLength);
            }
            else if (property.NameEquals("label"))
            {
                labels = Labels(property.Value, index, limits);
            }
        }

        return new FeedbackItem(id, labels);
    }

    // An id the gateway could never have given a prediction is refused, not held: it can only cost memory.
    private static string? Id(JsonElement value, int index, int maxIdLength)
    {
        var id = value.ValueKind switch
        {
            JsonValueKind.String => Text(value, index, "\"id\""),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        };

        // An empty id is an item without one, counted and explained as before.
        if (!string.IsNullOrEmpty(id) && !PredictionIds.IsValid(id, maxIdLength))
        {
            throw InferenceException.BadRequest(
                $"item {index}: \"id\" '{CallerText.Cut(id)}' ({id.Length} characters) is not a prediction id; ids are {PredictionIds.Rule(maxIdLength)}");
        }

        return id;
    }

    private static FeedbackLabel[] Labels(JsonElement value, int index, PerformanceOptions limits)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            return [Label(value, index, limits)];
        }

        var count = value.GetArrayLength();
        if (count > limits.MaxLabelsPerItem)
        {
            throw InferenceException.BadRequest(
                $"item {index}: {count} labels; an item takes at most {limits.MaxLabelsPerItem}, one per predicted row ({Section}:{nameof(PerformanceOptions.MaxLabelsPerItem)})");
        }

        // Sized exactly: a held label list keeps no spare capacity.
        var labels = new FeedbackLabel[count];
        var i = 0;
        foreach (var label in value.EnumerateArray())
        {
            labels[i++] = Label(label, index, limits);
        }

        return labels;
    }

    private static FeedbackLabel Label(JsonElement value, int index, PerformanceOptions limits) => value.ValueKind switch
    {
        JsonValueKind.Number => value.TryGetDouble(out var number) ? FeedbackLabel.OfNumber(number) : FeedbackLabel.Unusable("a number out of range"),
        JsonValueKind.True => FeedbackLabel.OfBoolean(true),
        JsonValueKind.False => FeedbackLabel.OfBoolean(false),
        JsonValueKind.String => FeedbackLabel.OfText(TextLabel(value, index, limits)),
        JsonValueKind.Null => FeedbackLabel.Unusable("null"),
        JsonValueKind.Array => FeedbackLabel.Unusable("a nested list"),
        _ => FeedbackLabel.Unusable("an object"),
    };

    private static string TextLabel(JsonElement value, int index, PerformanceOptions limits)
    {
        var text = Text(value, index, "a label");
        if (text.Length > limits.MaxLabelLength)
        {
            throw InferenceException.BadRequest(
                $"item {index}: a text label of {text.Length} characters; a label takes at most {limits.MaxLabelLength} ({Section}:{nameof(PerformanceOptions.MaxLabelLength)})");
        }

        return text;
    }

    // The JSON reader refuses to turn invalid UTF-8 or an escaped lone surrogate into a string: that is the caller's
    // mistake (400), not the gateway's.
    private static string Text(JsonElement value, int index, string what)
    {
        try
        {
            return value.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw InferenceException.BadRequest($"item {index}: {what} is not valid UTF-8 text (invalid bytes or a lone surrogate)");
        }
    }
}
