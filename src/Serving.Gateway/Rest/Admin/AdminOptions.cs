namespace Serving.Gateway.Rest.Admin;

/// <summary>Admin API keys (<c>Serving:Admin</c>); with neither set, the admin API refuses every request.</summary>
public sealed class AdminOptions
{
    /// <summary>Key with full scope: may read and change.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Key that may read but not change (403 on changes).</summary>
    public string? ReadOnlyApiKey { get; set; }

    /// <summary>Problems with the keys, for start-up validation; a key itself is never quoted.</summary>
    public IEnumerable<string> Validate()
    {
        foreach (var (name, key) in new[] { (nameof(ApiKey), ApiKey), (nameof(ReadOnlyApiKey), ReadOnlyApiKey) })
        {
            // A bearer token is compared without surrounding white space, so such a key could never be presented.
            if (!string.IsNullOrEmpty(key) && key.Trim() != key)
            {
                yield return $"Serving:Admin:{name} begins or ends with white space, which a bearer token cannot carry; use the key without it";
            }
        }

        if (!string.IsNullOrEmpty(ApiKey) && ApiKey == ReadOnlyApiKey)
        {
            yield return "Serving:Admin:ApiKey and Serving:Admin:ReadOnlyApiKey are the same key; use two different keys, or only one of them";
        }
    }
}
