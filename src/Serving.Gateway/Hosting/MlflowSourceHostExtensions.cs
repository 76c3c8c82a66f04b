using Microsoft.Extensions.Options;
using Serving.Core.Packaging;
using Serving.Core.Registry;
using Serving.Core.Registry.Mlflow;
using Serving.Core.Routing;
using Serving.Core.Runtimes.Onnx;
using Serving.Gateway.Settings;

namespace Serving.Gateway.Hosting;

/// <summary>
/// Registers one <see cref="MlflowModelSource"/> per model configured with <c>Serving:Models:&lt;name&gt;:Source = mlflow</c>,
/// validates their settings at start-up, and makes such models' policy <c>manual</c> unless one is set, since the
/// MLflow aliases decide what serves.
/// </summary>
internal static class MlflowSourceHostExtensions
{
    public static IServiceCollection AddMlflowSources(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<MlflowSourceStatus>();
        var models = configuration.GetSection("Serving:Models").GetChildren()
            .Where(m => string.Equals(m["Source"], MlflowModelOptions.SourceName, StringComparison.OrdinalIgnoreCase))
            .ToList();
        if (models.Count == 0)
        {
            return services;
        }

        services.AddOptions<MlflowOptions>()
            .Bind(configuration.GetSection(MlflowOptions.SectionName))
            .ValidateSettings(o => o.Validate());
        services.PostConfigure<DeploymentOptions>(o =>
        {
            foreach (var model in models.Where(m => m["Policy"] is null))
            {
                o.Models[model.Key] = new ModelOptions { Policy = "manual" };
            }
        });
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<MlflowOptions>>().Value;
            return new MlflowRegistryClient(
                MlflowRegistryClient.CreateHttpClient(options),
                TimeSpan.FromSeconds(options.RequestTimeoutSeconds),
                TimeSpan.FromSeconds(options.DownloadTimeoutSeconds));
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
                sp.GetRequiredService<MlflowSourceStatus>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<MlflowModelSource>>()));
        }

        return services;
    }
}
