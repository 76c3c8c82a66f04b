using System.Text.Json;
using Serving.Core.Monitoring.Performance;

namespace Serving.Core.Monitoring.Shared;

/// <summary>Feedback items and results as they travel through Redis between the replica that took them and the leader.</summary>
internal static class FeedbackJson
{
    public static byte[] Items(IReadOnlyList<FeedbackItem> items)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartArray();
            foreach (var item in items)
            {
                w.WriteStartObject();
                if (item.Id is null)
                    w.WriteNull("id");
                else
                    w.WriteString("id", item.Id);
                w.WriteStartArray("labels");
                foreach (var label in item.Labels)
                {
                    w.WriteStartObject();
                    w.WriteNumber("kind", (int)label.Kind);
                    w.WriteNumber("number", label.Number);
                    if (label.Text is not null)
                        w.WriteString("text", label.Text);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        return stream.ToArray();
    }

    public static List<FeedbackItem> ReadItems(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        using var document = JsonDocument.ParseValue(ref reader);
        return [.. document.RootElement.EnumerateArray().Select(item => new FeedbackItem(
            item.GetProperty("id").GetString(),
            [.. item.GetProperty("labels").EnumerateArray().Select(Label)]))];
    }

    public static byte[] Result(FeedbackResult result) => JsonSerializer.SerializeToUtf8Bytes(
        new ResultJson(result.Accepted, result.Pending, result.UnknownIds, result.InvalidLabels, result.Duplicates, [.. result.Errors]));

    public static FeedbackResult ReadResult(ReadOnlySpan<byte> json)
    {
        var r = JsonSerializer.Deserialize<ResultJson>(json)!;
        return new FeedbackResult(r.Accepted, r.Pending, r.UnknownIds, r.InvalidLabels, r.Errors) { Duplicates = r.Duplicates };
    }

    private static FeedbackLabel Label(JsonElement label)
    {
        var text = label.TryGetProperty("text", out var t) ? t.GetString() : null;
        var number = label.GetProperty("number").GetDouble();
        return (FeedbackLabelKind)label.GetProperty("kind").GetInt32() switch
        {
            FeedbackLabelKind.Number => FeedbackLabel.OfNumber(number),
            FeedbackLabelKind.Boolean => FeedbackLabel.OfBoolean(number != 0),
            FeedbackLabelKind.Text => FeedbackLabel.OfText(text ?? string.Empty),
            _ => FeedbackLabel.Unusable(text ?? "an unusable label"),
        };
    }

    private sealed record ResultJson(int Accepted, int Pending, int UnknownIds, int InvalidLabels, int Duplicates, List<string> Errors);
}
