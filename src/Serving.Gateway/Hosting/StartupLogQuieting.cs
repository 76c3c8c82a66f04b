using Microsoft.Extensions.Options;

namespace Serving.Gateway.Hosting;

/// <summary>
/// Until the gateway has started, the host's "Hosting failed to start" and Kestrel's "Unable to start Kestrel" errors
/// are not logged: they repeat, with a stack trace, what <see cref="GatewayProgram"/> then says in one line. Every
/// other log, and these after start-up, pass as configured. Only the entry point uses this; test hosts keep them.
/// </summary>
internal static class StartupLogQuieting
{
    private static readonly string[] QuietCategories = ["Microsoft.Extensions.Hosting.Internal.Host", "Microsoft.AspNetCore.Server.Kestrel"];

    public static IServiceCollection QuietStartupFailureLogs(this IServiceCollection services)
    {
        services.AddSingleton<StartupPhase>();
        services.AddHostedService(sp => sp.GetRequiredService<StartupPhase>());

        // Every rule is wrapped, rather than one added, because the logging rule that applies is the most specific
        // one configured: an added rule would replace the configured levels of these categories.
        services.AddOptions<LoggerFilterOptions>().PostConfigure<StartupPhase>((options, phase) =>
        {
            var rules = options.Rules.Select(rule => new LoggerFilterRule(
                rule.ProviderName,
                rule.CategoryName,
                rule.LogLevel,
                (provider, category, level) => !phase.Quiets(category, level) && (rule.Filter?.Invoke(provider, category, level) ?? true))).ToList();
            options.Rules.Clear();
            options.Rules.Add(new LoggerFilterRule(null, null, null, (_, category, level) => !phase.Quiets(category, level)));
            foreach (var rule in rules)
            {
                options.Rules.Add(rule);
            }
        });
        return services;
    }

    /// <summary>
    /// Whether the gateway is still starting, which is when a failure is said by the entry point instead. It needs
    /// nothing from the container: logging depends on it, and everything else depends on logging.
    /// </summary>
    internal sealed class StartupPhase : IHostedLifecycleService
    {
        private volatile bool _started;

        public bool Quiets(string? category, LogLevel level) =>
            !_started && level >= LogLevel.Error && QuietCategories.Contains(category, StringComparer.Ordinal);

        /// <summary>Called once every hosted service, Kestrel included, has started.</summary>
        public Task StartedAsync(CancellationToken cancellationToken)
        {
            _started = true;
            return Task.CompletedTask;
        }

        public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
