using Serving.Core.Contracts;
using Serving.Core.Packaging;

namespace Serving.Core.Registry.Mlflow;

/// <summary>How one model follows an MLflow registered model (<c>Serving:Models:&lt;name&gt;:Mlflow</c>).</summary>
public sealed class MlflowModelOptions
{
    /// <summary>The value of <c>Serving:Models:&lt;name&gt;:Source</c> that selects MLflow.</summary>
    public const string SourceName = "mlflow";

    /// <summary>The registered model's name in MLflow; empty means the gateway's model name.</summary>
    public string RegisteredModel { get; set; } = string.Empty;

    /// <summary>The alias whose version serves as stable.</summary>
    public string StableAlias { get; set; } = "champion";

    /// <summary>The alias whose version serves as canary.</summary>
    public string CanaryAlias { get; set; } = "challenger";

    /// <summary>Percent of traffic the canary alias's version takes, 0 to 100.</summary>
    public int CanaryWeight { get; set; } = 10;

    /// <summary><c>binary</c>, <c>multiclass</c> or <c>regression</c>; empty infers it from the outputs (MLflow records none).</summary>
    public string? Task { get; set; }

    /// <summary>Problems with one model's settings, for start-up validation.</summary>
    public IEnumerable<string> Validate(string model)
    {
        var prefix = $"Serving:Models:{model}:Mlflow";
        if (CanaryWeight is < 0 or > 100)
        {
            yield return $"{prefix}:CanaryWeight is '{CanaryWeight}'; use a whole number from 0 to 100";
        }

        if (string.IsNullOrWhiteSpace(StableAlias) || string.IsNullOrWhiteSpace(CanaryAlias) || StableAlias == CanaryAlias)
        {
            yield return $"{prefix}:StableAlias is '{StableAlias}' and {prefix}:CanaryAlias is '{CanaryAlias}'; use two different, non-empty aliases";
        }

        if (!string.IsNullOrEmpty(Task) && !ModelTasks.IsKnown(Task))
        {
            yield return $"{prefix}:Task is '{Task}'; use binary, multiclass or regression";
        }
    }
}
