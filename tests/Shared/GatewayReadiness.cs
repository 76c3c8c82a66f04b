using Serving.Core.Inference;
using Serving.Core.Registry;
using Serving.Core.Routing;

namespace Serving.Tests.Shared;

/// <summary>
/// Waits until a started gateway has read its registry, as every test host does before its first call, and (for a few
/// seconds at most) until its deployments follow. It waits for the first scan, not for readiness, so a test can start
/// a gateway whose registry folder is missing.
/// </summary>
internal static class GatewayReadiness
{
    public static async Task WaitAsync(IServiceProvider services, TimeSpan? timeout = null)
    {
        // The data plane first, as a request would: making it reads (and validates) the options its parts need.
        _ = (IInferenceService)services.GetService(typeof(IInferenceService))!;
        var registry = (ModelRegistry)services.GetService(typeof(ModelRegistry))!;
        var limit = timeout ?? TimeSpan.FromSeconds(60);
        var deadline = DateTime.UtcNow + limit;
        while (!registry.Current.InitialScanComplete)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the gateway did not read its registry within {limit.TotalSeconds} s");
            }

            await Task.Delay(50);
        }

        // Deployments follow the first scan a moment later (the registry announces its snapshot after publishing it): a
        // test that reads a deployment at once once found none. Not required: a gateway whose deployments cannot be
        // restored (a test of that) still starts, after this short bound.
        var deployments = services.GetService(typeof(DeploymentManager)) as DeploymentManager;
        var restoreDeadline = DateTime.UtcNow + TimeSpan.FromSeconds(3);
        while (deployments is { Restored: false } && DateTime.UtcNow < restoreDeadline)
        {
            await Task.Delay(20);
        }
    }
}
