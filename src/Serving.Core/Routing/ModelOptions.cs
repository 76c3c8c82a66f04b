using Serving.Core.Runtimes.Batching;

namespace Serving.Core.Routing;

/// <summary>Per-model settings (<c>Serving:Models:&lt;name&gt;</c>).</summary>
public sealed class ModelOptions
{
    /// <summary><c>auto-stable</c>, <c>auto-canary</c> or <c>manual</c>.</summary>
    public string Policy { get; set; } = "auto-stable";

    /// <summary>
    /// Where the model's deployment comes from: empty for the registry folder and the policy, <c>mlflow</c> for the
    /// MLflow aliases (see <c>MlflowModelSource</c>). A model with a source serves nothing until the source sets its
    /// deployment, and no policy acts on its versions.
    /// </summary>
    public string? Source { get; set; }

    /// <summary>Dynamic batching of the model's requests (<c>Serving:Models:&lt;name&gt;:Batching</c>); off by default.</summary>
    public BatchingOptions Batching { get; set; } = new();

    public static bool TryParsePolicy(string? text, out DeploymentPolicy policy)
    {
        policy = text switch
        {
            "auto-stable" => DeploymentPolicy.AutoStable,
            "auto-canary" => DeploymentPolicy.AutoCanary,
            "manual" => DeploymentPolicy.Manual,
            _ => (DeploymentPolicy)(-1),
        };
        return Enum.IsDefined(policy);
    }
}
