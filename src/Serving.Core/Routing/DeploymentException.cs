namespace Serving.Core.Routing;

/// <summary>A deployment change that was refused; the old deployment stays. The kind maps to 400, 404 or 409.</summary>
public sealed class DeploymentException : Exception
{
    public DeploymentException(DeploymentErrorKind kind, string message)
        : base(message) => Kind = kind;

    public DeploymentException()
        : this(DeploymentErrorKind.Conflict, "deployment change refused")
    {
    }

    public DeploymentException(string message)
        : this(DeploymentErrorKind.Conflict, message)
    {
    }

    public DeploymentException(string message, Exception innerException)
        : base(message, innerException) => Kind = DeploymentErrorKind.Conflict;

    public DeploymentErrorKind Kind { get; }
}

/// <summary>Why a deployment change was refused.</summary>
public enum DeploymentErrorKind
{
    /// <summary>The request itself is invalid (400).</summary>
    Invalid,

    /// <summary>No such model (404).</summary>
    NotFound,

    /// <summary>It cannot be done in the current state: a version that does not load, nothing to roll back to (409).</summary>
    Conflict,
}
