namespace Serving.Gateway.Rest.Admin;

/// <summary>Admin API keys (<c>Serving:Admin</c>); with neither set, the admin API refuses every request.</summary>
public sealed class AdminOptions
{
    /// <summary>Key with full scope: may read and change.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Key that may read but not change (403 on changes).</summary>
    public string? ReadOnlyApiKey { get; set; }
}
