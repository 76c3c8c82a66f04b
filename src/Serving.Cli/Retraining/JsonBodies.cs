using System.Text.Json;
using System.Text.Json.Nodes;

namespace Serving.Cli.Retraining;

/// <summary>
/// A request body read as JSON, strictly and all at once. A <see cref="JsonNode"/> is lazy: an object's properties go
/// into its dictionary, and a string is decoded, only when first read, so a duplicate key, invalid UTF-8 inside a string
/// or a lone surrogate escape (<c>"\ud800"</c>) would throw later, from code that does not expect it, and the caller
/// would get a 500. Here duplicate keys are refused while parsing and every node and string is read before the body is
/// handed out, so any fault in it is a <see cref="JsonException"/>.
/// </summary>
internal static class JsonBodies
{
    private static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false };

    public static JsonNode? Parse(ReadOnlySpan<byte> utf8) => Checked(JsonNode.Parse(utf8, documentOptions: Strict));

    public static async Task<JsonNode?> ParseAsync(Stream body, CancellationToken cancellationToken) =>
        Checked(await JsonNode.ParseAsync(body, documentOptions: Strict, cancellationToken: cancellationToken).ConfigureAwait(false));

    private static JsonNode? Checked(JsonNode? node)
    {
        try
        {
            ReadAll(node);
            return node;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            // ArgumentException: a duplicate key met while filling an object's dictionary; InvalidOperationException:
            // a string that is not valid UTF-8 or UTF-16.
            throw new JsonException($"the body is not valid JSON: {ex.Message}", ex);
        }
    }

    // The body's depth is bounded by the parser's (64), so this recursion is too.
    private static void ReadAll(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (_, value) in o)
                {
                    ReadAll(value);
                }

                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    ReadAll(item);
                }

                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                _ = v.GetValue<string>();
                break;
        }
    }
}
