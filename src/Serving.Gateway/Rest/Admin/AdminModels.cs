using Serving.Core.Monitoring.Shadow;
using Serving.Core.Registry;
using Serving.Core.Registry.Mlflow;
using Serving.Core.Rollouts;
using Serving.Core.Routing;
using Serving.Core.Runtimes.Batching;

namespace Serving.Gateway.Rest.Admin;

/// <summary>Builds model views from the registry snapshot, the deployment table and the rollout controller.</summary>
internal static class AdminModels
{
    public static IReadOnlyList<AdminModelView> All(IServiceProvider services)
    {
        var registry = services.GetRequiredService<ModelRegistry>().Current;
        return [.. registry.ModelNames.Select(name => View(services, registry.Models[name], lineage: false))];
    }

    public static AdminModelView? Find(IServiceProvider services, string name) =>
        services.GetRequiredService<ModelRegistry>().Current.Models.TryGetValue(name, out var entry) ? View(services, entry, lineage: true) : null;

    // The list stays lean; one model's view carries each loaded version's lineage.
    private static AdminModelView View(IServiceProvider services, ModelEntry entry, bool lineage)
    {
        var deployments = services.GetRequiredService<DeploymentManager>();
        var deployment = deployments.Current.Find(entry.Name);
        return new AdminModelView(
            entry.Name,
            PolicyName(deployments.PolicyOf(entry.Name)),
            deployment is null ? null : AdminDeploymentView.Of(deployment.Spec),
            services.GetService<IRolloutController>()?.Get(entry.Name),
            [.. entry.Versions.Select(v => AdminVersionView.Of(v, lineage && entry.Loaded.TryGetValue(v.Version, out var loaded) ? loaded.Manifest : null))],
            services.GetService<ShadowMirror>()?.Report(entry.Name),
            services.GetService<MlflowSourceStatus>()?.Find(entry.Name),
            services.GetService<RuntimeBatching>()?.For(entry.Name) is { } batching ? AdminBatchingView.Of(batching) : null);
    }

    private static string PolicyName(DeploymentPolicy policy) => policy switch
    {
        DeploymentPolicy.AutoCanary => "auto-canary",
        DeploymentPolicy.Manual => "manual",
        _ => "auto-stable",
    };
}
