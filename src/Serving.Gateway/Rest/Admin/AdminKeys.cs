using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Serving.Gateway.Rest.Admin;

/// <summary>
/// Checks bearer keys against the configured ones. Only SHA-256 digests are kept and compared, with
/// <see cref="CryptographicOperations.FixedTimeEquals"/>, so neither a key's length nor its content shows in the
/// time a comparison takes, and the keys themselves never reach a message.
/// </summary>
internal sealed class AdminKeys
{
    private const string BearerPrefix = "Bearer ";
    private readonly byte[]? _full;
    private readonly byte[]? _readOnly;

    public AdminKeys(IOptions<AdminOptions> options)
    {
        _full = Digest(options.Value.ApiKey);
        _readOnly = Digest(options.Value.ReadOnlyApiKey);
    }

    /// <summary>True when at least one key is configured; without one the admin API refuses everything.</summary>
    public bool Configured => _full is not null || _readOnly is not null;

    /// <summary>The scope an <c>Authorization</c> header value grants.</summary>
    public AdminScope ScopeOf(string? authorization)
    {
        if (authorization is null || !authorization.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return AdminScope.None;
        }

        var presented = Digest(authorization[BearerPrefix.Length..].Trim()) ?? new byte[SHA256.HashSizeInBytes];

        // Both comparisons always run, so the time does not tell which key (if any) matched.
        var full = _full is not null && CryptographicOperations.FixedTimeEquals(presented, _full);
        var readOnly = _readOnly is not null && CryptographicOperations.FixedTimeEquals(presented, _readOnly);
        return full ? AdminScope.Full : readOnly ? AdminScope.Read : AdminScope.None;
    }

    private static byte[]? Digest(string? key) =>
        string.IsNullOrEmpty(key) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
