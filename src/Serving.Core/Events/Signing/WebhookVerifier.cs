using System.Globalization;
using System.Security.Cryptography;

namespace Serving.Core.Events.Signing;

/// <summary>
/// Verifies a Standard Webhooks delivery: the timestamp is within the tolerance of now (replays of an old, validly
/// signed body are refused) and at least one <c>v1</c> signature in the space-separated header matches, compared in
/// constant time so timing does not reveal how much of a forged signature was right. Several signatures let a
/// sender rotate secrets without a gap. Replayed ids within the tolerance are the receiver's to drop (it keeps the ids).
/// </summary>
public sealed class WebhookVerifier
{
    /// <summary>The specification's default tolerance.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    private readonly WebhookSecret[] _secrets;
    private readonly TimeProvider _time;

    /// <param name="secret">The subscription's secret.</param>
    /// <param name="tolerance">How far the timestamp may be from now, either way; default five minutes.</param>
    /// <param name="time">The clock; the system's by default.</param>
    public WebhookVerifier(WebhookSecret secret, TimeSpan? tolerance = null, TimeProvider? time = null)
        : this([secret], tolerance, time)
    {
    }

    /// <param name="secrets">Every secret currently accepted (more than one while rotating).</param>
    /// <param name="tolerance">How far the timestamp may be from now, either way; default five minutes.</param>
    /// <param name="time">The clock; the system's by default.</param>
    public WebhookVerifier(IEnumerable<WebhookSecret> secrets, TimeSpan? tolerance = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        _secrets = [.. secrets];
        if (_secrets.Length == 0 || _secrets.Any(s => s is null))
            throw new ArgumentException("at least one secret, none null", nameof(secrets));
        Tolerance = tolerance ?? DefaultTolerance;
        if (Tolerance < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(tolerance), "the tolerance cannot be negative");
        _time = time ?? TimeProvider.System;
    }

    /// <summary>How far a timestamp may be from now.</summary>
    public TimeSpan Tolerance { get; }

    /// <summary>Verifies one delivery from its header values and its raw body bytes.</summary>
    public WebhookVerification Verify(string? id, string? timestamp, string? signature, ReadOnlySpan<byte> body)
    {
        if (string.IsNullOrEmpty(id))
            return Missing(WebhookHeaders.IdHeader);
        if (string.IsNullOrEmpty(timestamp))
            return Missing(WebhookHeaders.TimestampHeader);
        if (string.IsNullOrWhiteSpace(signature))
            return Missing(WebhookHeaders.SignatureHeader);

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return WebhookVerification.Fail(WebhookVerificationFailure.MalformedTimestamp,
                $"{WebhookHeaders.TimestampHeader} must be whole unix seconds");
        }

        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        var skew = now - seconds;
        if (Math.Abs((double)skew) > Tolerance.TotalSeconds)
        {
            var direction = skew > 0 ? "old" : "in the future";
            return WebhookVerification.Fail(WebhookVerificationFailure.TimestampOutsideTolerance,
                $"{WebhookHeaders.TimestampHeader} is {Math.Abs(skew)} s {direction}; at most {Tolerance.TotalSeconds:0} s is accepted");
        }

        // Every secret's MAC is computed once; each v1 candidate is compared against all of them, in constant time.
        var expected = new byte[_secrets.Length][];
        for (var i = 0; i < _secrets.Length; i++)
            expected[i] = WebhookSigner.Mac(_secrets[i].KeySpan, id, timestamp, body);
        Span<byte> candidate = stackalloc byte[32];
        foreach (var part in signature.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var comma = part.IndexOf(',', StringComparison.Ordinal);
            if (comma < 0 || !part.AsSpan(0, comma).SequenceEqual(WebhookSigner.SignatureVersion))
                continue; // another scheme (v1a, a future version): not ours to judge
            if (!Convert.TryFromBase64String(part[(comma + 1)..], candidate, out var written) || written != candidate.Length)
                continue;
            foreach (var mac in expected)
            {
                if (CryptographicOperations.FixedTimeEquals(mac, candidate))
                    return WebhookVerification.Valid;
            }
        }

        return WebhookVerification.Fail(WebhookVerificationFailure.SignatureMismatch,
            $"no v1 signature in {WebhookHeaders.SignatureHeader} matches the body under the configured secret");
    }

    /// <summary>Verifies one delivery given its headers.</summary>
    public WebhookVerification Verify(WebhookHeaders headers, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return Verify(headers.Id, headers.Timestamp, headers.Signature, body);
    }

    private static WebhookVerification Missing(string header) =>
        WebhookVerification.Fail(WebhookVerificationFailure.MissingHeader, $"the {header} header is missing");
}
