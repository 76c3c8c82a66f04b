using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serving.Core.Runtimes;

namespace Serving.Cli.Retraining;

/// <summary>
/// The retrainer's process: a small Kestrel server on <see cref="RetrainerSettings.Listen"/> with the webhook
/// receiver and the status endpoints, and the runs going on behind it.
/// </summary>
public static class RetrainerHost
{
    /// <summary>Builds the server (not started); <paramref name="logging"/> replaces the console logger (tests).</summary>
    public static WebApplication Build(RetrainerSettings settings, TimeProvider? time = null, Action<ILoggingBuilder>? logging = null, IReadOnlyList<IModelRuntimeFactory>? factories = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });

        // Everything comes from the command line: an appsettings.json or ASPNETCORE_ variables meant for the gateway
        // (its Kestrel endpoints, say) must not move the retrainer's address.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection();
        builder.WebHost.UseUrls(settings.Listen);
        builder.Logging.ClearProviders();
        if (logging is null)
        {
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
            builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        }
        else
        {
            logging(builder.Logging);
        }

        var clock = time ?? TimeProvider.System;
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(clock);
        builder.Services.AddSingleton(factories ?? RuntimeFactories.Default());
        builder.Services.AddSingleton(sp => new GatewayClient(
            settings.Gateway is null ? null : GatewayClient.Create(settings.Gateway, settings.AdminKey), sp.GetRequiredService<ILogger<GatewayClient>>()));
        builder.Services.AddSingleton(sp => new Mlflow.MlflowRunTracker(
            settings.Config.Mlflow, settings.Config.Mlflow is { Enabled: true } m ? Mlflow.MlflowTrackingClient.Create(m) : null, clock, sp.GetRequiredService<ILogger<Mlflow.MlflowRunTracker>>()));
        builder.Services.AddSingleton<RetrainPipeline>();
        builder.Services.AddSingleton<TriggerGuard>();
        builder.Services.AddSingleton<RetrainRuns>();
        builder.Services.AddSingleton(new WebhookIds(clock, TimeSpan.FromMinutes(11)));
        builder.Services.AddSingleton(sp => new WebhookReceiver(settings, sp.GetRequiredService<RetrainRuns>(), sp.GetRequiredService<WebhookIds>(), sp.GetRequiredService<TriggerGuard>(), clock, sp.GetRequiredService<ILogger<WebhookReceiver>>(), sp.GetRequiredService<Mlflow.MlflowRunTracker>()));

        var app = builder.Build();
        app.MapRetrainerEndpoints();
        var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
        lifetime.ApplicationStarted.Register(() => RetrainerLog.Listening(
            app.Services.GetRequiredService<ILogger<RetrainRuns>>(), string.Join(", ", app.Urls), string.Join(", ", settings.Config.Jobs.Keys)));
        lifetime.ApplicationStopping.Register(() => app.Services.GetRequiredService<RetrainRuns>().StopAsync().GetAwaiter().GetResult());
        return app;
    }
}
