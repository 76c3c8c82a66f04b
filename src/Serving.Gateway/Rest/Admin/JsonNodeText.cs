using System.Text.Json;
using System.Text.Json.Nodes;

namespace Serving.Gateway.Rest.Admin;

/// <summary>
/// Reads every name and string of a parsed <see cref="JsonNode"/> once. The parser checks neither UTF-8 nor
/// <c>\u</c> escapes inside strings; a node does that only when a string is first read as text, so invalid UTF-8 or a
/// lone surrogate (<c>\ud800</c>) would throw wherever the tree is read later (a member nobody reads is still
/// written out whole when the event is stored). Checking the whole tree up front makes that a 400, before anything is kept.
/// </summary>
internal static class JsonNodeText
{
    /// <summary>What is wrong when <see cref="IsValid"/> is false.</summary>
    public const string Problem = "a name or string is not valid text (invalid UTF-8, or a lone surrogate escape such as \\ud800)";

    /// <summary>False when a name or string in the tree is not valid text.</summary>
    public static bool IsValid(JsonNode? node)
    {
        try
        {
            Check(node);
            return true;
        }
        catch (InvalidOperationException)
        {
            // The message ("Cannot transcode invalid UTF-8 ...") says no more than Problem does.
            return false;
        }
    }

    private static void Check(JsonNode? node)
    {
        // Depth is bounded by the parser's MaxDepth (64), so recursion is safe.
        switch (node)
        {
            case JsonObject members:
                foreach (var (_, value) in members)
                {
                    // Enumerating the object turns each name into text.
                    Check(value);
                }

                break;
            case JsonArray items:
                foreach (var item in items)
                {
                    Check(item);
                }

                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                _ = value.GetValue<string>();
                break;
        }
    }
}
