using System.Collections.Frozen;

namespace Serving.Core.Routing;

/// <summary>Every model's deployment at one moment; immutable, replaced whole on every change.</summary>
public sealed class DeploymentTable
{
    public static readonly DeploymentTable Empty = new(FrozenDictionary<string, ModelDeployment>.Empty);

    public DeploymentTable(FrozenDictionary<string, ModelDeployment> models) => Models = models;

    public FrozenDictionary<string, ModelDeployment> Models { get; }

    public ModelDeployment? Find(string model) => Models.GetValueOrDefault(model);

    /// <summary>A table with one model's deployment replaced (or added).</summary>
    public DeploymentTable With(ModelDeployment deployment)
    {
        var models = new Dictionary<string, ModelDeployment>(Models, StringComparer.Ordinal) { [deployment.Model] = deployment };
        return new DeploymentTable(models.ToFrozenDictionary(StringComparer.Ordinal));
    }
}
