namespace Serving.Core.Contracts;

/// <summary>How a request found its version, for logs and metrics.</summary>
public enum RouteKind
{
    /// <summary>The stable version, by weight.</summary>
    Stable,

    /// <summary>The canary, by weight.</summary>
    Canary,

    /// <summary>The caller named the version.</summary>
    Pinned,

    /// <summary>The deployment's version was not loaded; the newest loaded version served instead.</summary>
    Fallback,
}
