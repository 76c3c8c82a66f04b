using Microsoft.Extensions.Options;
using Serving.Core.Routing;
using Serving.Core.Runtimes.Batching;

namespace Serving.Gateway.Hosting;

/// <summary>Dynamic batching: each model's <c>Serving:Models:&lt;name&gt;:Batching</c> settings decide whether its runtimes load behind a batching queue.</summary>
internal static class BatchingHostExtensions
{
    public static IServiceCollection AddDynamicBatching(this IServiceCollection services)
    {
        // The settings bind and are validated with the rest of Serving:Models (DeploymentOptions).
        services.AddSingleton(sp =>
        {
            var models = sp.GetRequiredService<IOptions<DeploymentOptions>>().Value.Models;
            return new RuntimeBatching(
                model => models.TryGetValue(model, out var options) ? options.Batching : null,
                sp.GetService<IBatchObserver>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<RuntimeBatching>>());
        });
        return services;
    }
}
