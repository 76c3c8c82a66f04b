using System.Text;
using System.Text.Json;
using Serving.Core.Contracts;

namespace Serving.Cli.Admin;

/// <summary>
/// Reads a gateway's answer with a bound and turns an error body into one short plain line: whatever sits between
/// the CLI and the gateway (a proxy's 50 MB page, a body with terminal escapes) must not reach the terminal whole.
/// </summary>
internal static class GatewayBody
{
    /// <summary>The most of a successful answer read; a model list with every version's lineage stays far below it.</summary>
    public const int MaxAnswerBytes = 16 * 1024 * 1024;

    /// <summary>The most of an error body read: the message is cut far shorter anyway.</summary>
    public const int MaxErrorBytes = 64 * 1024;

    /// <summary>The most characters of a server's message an error line keeps.</summary>
    public const int MaxMessageChars = 500;

    /// <summary>The body as text; more than <paramref name="maxBytes"/> is left unread and <c>Cut</c> is true.</summary>
    public static async Task<(string Text, bool Cut)> ReadAsync(HttpContent content, int maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            // Grown as the body comes, not sized for the bound: an answer of a few KB (a `rollout status --watch`
            // poll every second) must not allocate 16 MB each time.
            using var body = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int n;
            while (body.Length <= maxBytes && (n = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                body.Write(chunk, 0, n);
            }

            var cut = body.Length > maxBytes;
            return (Encoding.UTF8.GetString(body.GetBuffer(), 0, (int)Math.Min(body.Length, maxBytes)), cut);
        }
    }

    /// <summary>The <c>error</c> of a JSON error body, else the body itself, as one cut plain line; null when there is none.</summary>
    public static string? MessageOf(string body)
    {
        string? message;
        try
        {
            using var document = JsonDocument.Parse(body);
            message = document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("error", out var error)
                && error.ValueKind == JsonValueKind.String
                ? error.GetString()
                : null;
        }
        catch (JsonException)
        {
            message = body;
        }

        return string.IsNullOrWhiteSpace(message) ? null : Line(message);
    }

    /// <summary>Text for one error line: whitespace runs (newlines too) as one space, cut, control characters escaped.</summary>
    public static string Line(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var flat = new StringBuilder(Math.Min(text.Length, MaxMessageChars * 2));
        var space = false;
        foreach (var c in text.AsSpan().Trim())
        {
            if (char.IsWhiteSpace(c))
            {
                space = true;
                continue;
            }

            if (space)
            {
                flat.Append(' ');
                space = false;
            }

            flat.Append(c);
        }

        return CallerText.Cut(flat.ToString(), MaxMessageChars);
    }
}
