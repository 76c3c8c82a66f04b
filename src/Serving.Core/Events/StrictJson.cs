using System.Text.Json;
using System.Text.Json.Nodes;

namespace Serving.Core.Events;

/// <summary>
/// An event or request body read as JSON, strictly and all at once, for the endpoints that keep or act on the whole
/// tree (<c>POST /admin/events</c> stores it and sends it on; the retrainer's <c>/webhooks</c> and <c>/runs</c> act
/// on it). A <see cref="JsonNode"/> is lazy: an object's names go into its dictionary, and a string is decoded, only
/// when first read, so a key given twice, invalid UTF-8 inside a string or a lone surrogate escape (<c>"\ud800"</c>)
/// would throw later, from code that does not expect it, and the caller would get a 500. Here duplicate keys are
/// refused while parsing and every name and string is read before the tree is handed out, so any fault in the body is
/// a <see cref="JsonException"/>.
/// </summary>
public static class StrictJson
{
    /// <summary>What a body whose names or strings are not valid text is told.</summary>
    public const string InvalidText = "a name or string is not valid text (invalid UTF-8, or a lone surrogate escape such as \\ud800)";

    private static readonly JsonDocumentOptions Options = new() { AllowDuplicateProperties = false };

    /// <summary>The body's tree, every part of it read once; throws <see cref="JsonException"/> for any fault.</summary>
    public static JsonNode? Parse(ReadOnlySpan<byte> utf8)
    {
        try
        {
            return ReadAll(JsonNode.Parse(utf8, documentOptions: Options));
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            throw Invalid(ex);
        }
    }

    /// <summary>The same, from a stream; what the stream itself throws (other than the faults above) passes unchanged.</summary>
    public static async Task<JsonNode?> ParseAsync(Stream body, CancellationToken cancellationToken)
    {
        JsonNode? node;
        try
        {
            node = await JsonNode.ParseAsync(body, documentOptions: Options, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            // The duplicate check reads each name as text while parsing: a name that is not valid text fails there.
            throw Invalid(ex);
        }

        try
        {
            return ReadAll(node);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            throw Invalid(ex);
        }
    }

    // ArgumentException: a key met twice while an object's dictionary is filled; InvalidOperationException: a name or
    // string that is not valid UTF-8 or UTF-16 (its message says no more than InvalidText does).
    private static JsonException Invalid(Exception exception) =>
        new(exception is ArgumentException ? $"a key is given twice: {exception.Message}" : InvalidText, exception);

    // Depth is bounded by the parser's MaxDepth (64), so this recursion is too.
    private static JsonNode? ReadAll(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject members:
                foreach (var (_, value) in members)
                {
                    // Enumerating the object turns each name into text.
                    ReadAll(value);
                }

                break;
            case JsonArray items:
                foreach (var item in items)
                {
                    ReadAll(item);
                }

                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                _ = value.GetValue<string>();
                break;
        }

        return node;
    }
}
