namespace Serving.Core.Routing;

/// <summary>What a newly published version of a model does (<c>Serving:Models:&lt;name&gt;:Policy</c>).</summary>
public enum DeploymentPolicy
{
    /// <summary>It replaces stable.</summary>
    AutoStable,

    /// <summary>It starts an analysed canary rollout.</summary>
    AutoCanary,

    /// <summary>Nothing happens until someone acts.</summary>
    Manual,
}
