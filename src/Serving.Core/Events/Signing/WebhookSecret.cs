using System.Security.Cryptography;

namespace Serving.Core.Events.Signing;

/// <summary>
/// A Standard Webhooks signing secret: <c>whsec_</c> followed by the base64 of the key. The key (the decoded bytes)
/// is what HMAC uses; the prefixed string is what operators copy between sender and receiver.
/// </summary>
public sealed class WebhookSecret
{
    /// <summary>The prefix every secret carries, so a secret is recognisable in a config file or a leak scan.</summary>
    public const string Prefix = "whsec_";

    /// <summary>Fewest key bytes accepted: the specification asks for 24 to 64, and a shorter HMAC key is guessable.</summary>
    public const int MinKeyBytes = 24;

    /// <summary>Most key bytes accepted (the specification's upper bound).</summary>
    public const int MaxKeyBytes = 64;

    /// <summary>Key length of a generated secret.</summary>
    public const int GeneratedKeyBytes = 32;

    private readonly byte[] _key;

    private WebhookSecret(byte[] key, string text)
    {
        _key = key;
        Text = text;
    }

    /// <summary>The secret as written (<c>whsec_…</c>).</summary>
    public string Text { get; }

    /// <summary>A copy of the HMAC key.</summary>
    public byte[] Key => (byte[])_key.Clone();

    internal ReadOnlySpan<byte> KeySpan => _key;

    /// <summary>A fresh random secret (32 key bytes from the OS's CSPRNG).</summary>
    public static WebhookSecret Generate()
    {
        var key = RandomNumberGenerator.GetBytes(GeneratedKeyBytes);
        return new WebhookSecret(key, Prefix + Convert.ToBase64String(key));
    }

    /// <summary>Parses a secret, or throws <see cref="FormatException"/> saying what is wrong (never echoing the secret).</summary>
    public static WebhookSecret Parse(string? text) =>
        TryParse(text, out var secret, out var error) ? secret : throw new FormatException(error);

    /// <summary>Parses a secret; on failure <paramref name="error"/> says why without repeating the secret.</summary>
    public static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out WebhookSecret? secret, out string? error)
    {
        secret = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "the webhook secret is empty";
            return false;
        }

        var trimmed = text.Trim();
        if (!trimmed.StartsWith(Prefix, StringComparison.Ordinal))
        {
            error = $"a webhook secret starts with '{Prefix}' followed by base64";
            return false;
        }

        byte[] key;
        try
        {
            key = Convert.FromBase64String(trimmed[Prefix.Length..]);
        }
        catch (FormatException)
        {
            error = $"the part of the webhook secret after '{Prefix}' is not valid base64";
            return false;
        }

        if (key.Length is < MinKeyBytes or > MaxKeyBytes)
        {
            error = $"a webhook secret's key is {MinKeyBytes} to {MaxKeyBytes} bytes once base64-decoded; this one is {key.Length}";
            return false;
        }

        secret = new WebhookSecret(key, trimmed);
        error = null;
        return true;
    }

    /// <summary>Never the secret itself, so a stray log line or exception message does not leak it.</summary>
    public override string ToString() => Prefix + "***";
}
