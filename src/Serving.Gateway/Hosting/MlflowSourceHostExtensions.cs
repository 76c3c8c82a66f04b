using Microsoft.Extensions.Options;
using Serving.Core.Packaging;
using Serving.Core.Registry;
using Serving.Core.Registry.Mlflow;
using Serving.Core.Routing;
using Serving.Core.Routing.Mlflow;
using Serving.Core.Runtimes.Onnx;
using Serving.Core.Storage;
using Serving.Gateway.Settings;

namespace Serving.Gateway.Hosting;

/// <summary>
/// Registers one <see cref="MlflowModelSource"/> per model configured with <c>Serving:Models:&lt;name&gt;:Source = mlflow</c>,
/// validates their settings at start-up, and has the registry read the versions they download from the data
/// directory (<c>&lt;data&gt;/mlflow</c>). Such models are manual (<see cref="DeploymentOptions.PolicyOf"/>): the MLflow
/// aliases decide what serves, so a Policy other than manual is refused.
/// </summary>
internal static class MlflowSourceHostExtensions
{
    public static IServiceCollection AddMlflowSources(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<MlflowSourceStatus>();
        var configured = configuration.GetSection("Serving:Models").GetChildren().ToList();
        var models = configured
            .Where(m => string.Equals(m["Source"], MlflowModelOptions.SourceName, StringComparison.OrdinalIgnoreCase))
            .ToList();
        RefuseConflictingSettings(services, configured);
        if (models.Count == 0)
        {
            return services;
        }

        services.AddOptions<MlflowOptions>()
            .Bind(configuration.GetSection(MlflowOptions.SectionName))
            .ValidateSettings(o => o.Validate());
        services.AddOptions<RegistryOptions>()
            .PostConfigure<DataPaths>((o, paths) =>
            {
                if (!o.SourceRoots.Contains(paths.MlflowRegistry))
                {
                    o.SourceRoots.Add(paths.MlflowRegistry);
                }
            });
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<MlflowOptions>>().Value;
            return new MlflowRegistryClient(
                MlflowRegistryClient.CreateHttpClient(options),
                TimeSpan.FromSeconds(options.RequestTimeoutSeconds),
                TimeSpan.FromSeconds(options.DownloadTimeoutSeconds),
                options.ToDownloadLimits());
        });

        foreach (var model in models)
        {
            var name = model.Key;
            services.AddOptions<MlflowModelOptions>(name)
                .Bind(model.GetSection("Mlflow"))
                .ValidateSettings(o => o.Validate(name));

            // Added one by one (not AddHostedService, which keeps only one service per type).
            services.AddSingleton<IHostedService>(sp => new MlflowModelSource(
                name,
                sp.GetRequiredService<IOptionsMonitor<MlflowModelOptions>>().Get(name),
                sp.GetRequiredService<IOptions<MlflowOptions>>().Value,
                sp.GetRequiredService<MlflowRegistryClient>(),
                new PackageBuilder([new OnnxRuntimeFactory(sp.GetRequiredService<IOptions<OnnxRuntimeOptions>>().Value)], sp.GetRequiredService<TimeProvider>()),
                sp.GetRequiredService<ModelRegistry>(),
                sp.GetRequiredService<DeploymentManager>(),
                sp.GetRequiredService<IOptions<RegistryOptions>>().Value,
                sp.GetRequiredService<DataPaths>(),
                sp.GetRequiredService<MlflowSourceStatus>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<MlflowModelSource>>()));
        }

        return services;
    }

    /// <summary>
    /// A Source the gateway does not know would leave its model without a deployment for good, and a policy on a
    /// model that follows MLflow would fight its aliases: both end start-up with what is allowed.
    /// </summary>
    private static void RefuseConflictingSettings(IServiceCollection services, List<IConfigurationSection> configured)
    {
        var problems = new List<string>();
        foreach (var model in configured)
        {
            var source = model["Source"];
            if (string.IsNullOrEmpty(source))
            {
                continue;
            }

            if (!string.Equals(source, MlflowModelOptions.SourceName, StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"Serving:Models:{model.Key}:Source is '{source}'; use {MlflowModelOptions.SourceName}, or leave it out to serve the registry folder's versions");
            }
            else if (model["Policy"] is { } policy && policy != "manual")
            {
                problems.Add($"Serving:Models:{model.Key}:Policy is '{policy}', but the model follows MLflow, whose aliases decide what serves; leave Policy out (or set it to manual)");
            }
        }

        if (problems.Count > 0)
        {
            services.AddOptions<DeploymentOptions>()
                .Validate(_ => false, string.Join("; ", problems))
                .ValidateOnStart();
        }
    }
}
