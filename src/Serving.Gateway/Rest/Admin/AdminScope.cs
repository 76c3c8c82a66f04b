namespace Serving.Gateway.Rest.Admin;

/// <summary>What a request's key allows.</summary>
internal enum AdminScope
{
    /// <summary>No key, or one that matches neither configured key.</summary>
    None,

    /// <summary>The read-only key: GET endpoints and the repository index.</summary>
    Read,

    /// <summary>The full key: everything.</summary>
    Full,
}
