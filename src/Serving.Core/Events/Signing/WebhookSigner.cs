using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Serving.Core.Events.Signing;

/// <summary>
/// Signs a webhook body the Standard Webhooks way: HMAC-SHA256 with the secret's key over
/// <c>"{id}.{timestamp}.{body}"</c>, sent as <c>v1,</c> + base64. The body is signed as the exact bytes sent, so
/// the receiver must verify the raw body before parsing it.
/// </summary>
public static class WebhookSigner
{
    /// <summary>The version tag of an HMAC-SHA256 (symmetric) signature.</summary>
    public const string SignatureVersion = "v1";

    /// <summary>The headers for one send of <paramref name="body"/> at <paramref name="sentAt"/>.</summary>
    public static WebhookHeaders Sign(WebhookSecret secret, string id, DateTimeOffset sentAt, ReadOnlySpan<byte> body)
    {
        var timestamp = sentAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return new WebhookHeaders(id, timestamp, Signature(secret, id, timestamp, body));
    }

    /// <summary>The <c>v1,&lt;base64&gt;</c> signature of one (id, timestamp, body).</summary>
    public static string Signature(WebhookSecret secret, string id, string timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentException.ThrowIfNullOrEmpty(timestamp);
        return SignatureVersion + "," + Convert.ToBase64String(Mac(secret.KeySpan, id, timestamp, body));
    }

    internal static byte[] Mac(ReadOnlySpan<byte> key, string id, string timestamp, ReadOnlySpan<byte> body)
    {
        // The signed content is the id and timestamp as UTF-8, dots between, then the body's bytes untouched.
        var prefix = Encoding.UTF8.GetBytes(id + "." + timestamp + ".");
        var content = new byte[prefix.Length + body.Length];
        prefix.CopyTo(content, 0);
        body.CopyTo(content.AsSpan(prefix.Length));
        return HMACSHA256.HashData(key, content);
    }
}
