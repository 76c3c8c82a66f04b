using Serving.Core.Storage;

namespace Serving.Core.Routing;

/// <summary>Deployment settings: where the state is kept and each model's policy.</summary>
public sealed class DeploymentOptions
{
    /// <summary>
    /// File that keeps every model's deployment across restarts; empty means <c>deployments.json</c> in the data
    /// directory (<c>Serving:DataPath</c>). Relative paths are resolved against the current folder.
    /// </summary>
    public string StatePath { get; set; } = string.Empty;

    /// <summary>
    /// The file <see cref="StatePath"/> names, or <c>deployments.json</c> in the data directory: the one rule for the
    /// state file, the Redis store's local copy and the file an empty Redis is filled from.
    /// </summary>
    public string StateFile(DataPaths paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        return string.IsNullOrEmpty(StatePath) ? paths.DeploymentsFile : Path.GetFullPath(StatePath);
    }

    /// <summary>Per-model settings by model name (bound from <c>Serving:Models</c>).</summary>
    public Dictionary<string, ModelOptions> Models { get; set; } = new(StringComparer.Ordinal);

    /// <summary>A model with a source (MLflow) is always manual: its source, not a policy, sets what serves.</summary>
    public DeploymentPolicy PolicyOf(string model) =>
        FollowsSource(model)
            ? DeploymentPolicy.Manual
            : Models.TryGetValue(model, out var options) && ModelOptions.TryParsePolicy(options.Policy, out var policy)
                ? policy
                : DeploymentPolicy.AutoStable;

    /// <summary>Whether a source (MLflow aliases) sets the model's deployment; until it does, the model serves nothing.</summary>
    public bool FollowsSource(string model) =>
        Models.TryGetValue(model, out var options) && !string.IsNullOrEmpty(options.Source);

    /// <summary>Problems with the settings, for start-up validation.</summary>
    public IEnumerable<string> Validate() =>
        Models.Where(m => !ModelOptions.TryParsePolicy(m.Value.Policy, out _))
            .Select(m => $"Serving:Models:{m.Key}:Policy is '{m.Value.Policy}'; use auto-stable, auto-canary or manual")
            .Concat(Models.SelectMany(m => m.Value.Batching.Validate($"Serving:Models:{m.Key}:Batching")));
}
