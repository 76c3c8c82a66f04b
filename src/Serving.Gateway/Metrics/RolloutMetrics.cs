using Prometheus;
using Serving.Core.Registry;
using Serving.Core.Rollouts;

namespace Serving.Gateway.Metrics;

/// <summary>Each model's rollout as series, read at scrape time: its state, the step's weight, failed checks.</summary>
internal static class RolloutMetrics
{
    private static readonly string[] States = ["running", "waiting", "paused", "promoted", "rolled-back", "aborted"];

    public static void Register(IServiceProvider services)
    {
        if (services.GetService<IRolloutController>() is not { } rollouts)
        {
            return;
        }

        var models = services.GetRequiredService<ModelRegistry>();
        var registry = services.GetRequiredService<GatewayMetricsRegistry>().Registry;
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        var state = factory.CreateGauge(
            "serving_rollout_state",
            "1 for the state of each model's current or last rollout (running, waiting, paused, promoted, rolled-back, aborted).",
            ["model", "state"]);
        var failures = factory.CreateGauge(
            "serving_rollout_failed_checks",
            "Failed canary checks in each model's current or last rollout.",
            ["model"]);
        var decisions = factory.CreateGauge(
            "serving_rollout_decisions",
            "Decisions recorded in each model's current or last rollout (up to the 500 it keeps).",
            ["model"]);
        registry.AddBeforeCollectCallback(() =>
        {
            foreach (var model in models.Current.ModelNames)
            {
                if (rollouts.Get(model) is not { } status)
                {
                    continue;
                }

                foreach (var name in States)
                {
                    state.WithLabels(model, name).Set(status.State == name ? 1 : 0);
                }

                failures.WithLabels(model).Set(status.Failures);
                decisions.WithLabels(model).Set(status.Decisions.Count);
            }
        });
    }
}
