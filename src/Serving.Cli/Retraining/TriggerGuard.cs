using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Serving.Core.Events;

namespace Serving.Cli.Retraining;

/// <summary>
/// Keeps the loop from cascading. A retrained version's traffic may still drift against it, so without a guard its
/// own drift episode would start a run that publishes N+2 over the canary N+1, and no rollout would ever finish.
/// A <c>drift.detected</c> or <c>performance.degraded</c> is therefore ignored when it names a version other than the
/// gateway's stable one (a canary's or shadow's monitoring is the rollout's business), and for <c>cooldownMinutes</c>
/// after a run for that model published. <c>retrain.scheduled</c> and runs by hand are never held.
/// </summary>
public sealed class TriggerGuard(RetrainerSettings settings, GatewayClient gateway, TimeProvider time, ILogger<TriggerGuard> logger)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _published = new(StringComparer.Ordinal);

    /// <summary>Event types the guard judges: those the gateway raises from monitoring a version.</summary>
    public static bool Guards(string eventType) =>
        eventType is GatewayEventTypes.DriftDetected or GatewayEventTypes.PerformanceDegraded;

    /// <summary>Starts the model's cooldown: a run for it published a version now.</summary>
    public void Published(string model) => _published[model] = time.GetUtcNow();

    /// <summary>Why the trigger is ignored, or null when it may start (or join) a run.</summary>
    public async Task<string?> WhyIgnoredAsync(string model, string eventType, JsonObject? data, CancellationToken cancellationToken)
    {
        if (!Guards(eventType) || !settings.Config.Jobs.TryGetValue(model, out var job))
        {
            return null;
        }

        var cooldown = settings.Config.CooldownOf(job);
        if (cooldown > TimeSpan.Zero && _published.TryGetValue(model, out var publishedAt) && time.GetUtcNow() < publishedAt + cooldown)
        {
            var ends = (publishedAt + cooldown).UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
            return string.Create(CultureInfo.InvariantCulture,
                $"model '{model}' is in its cooldown of {cooldown.TotalMinutes} minutes after a run published at {publishedAt.UtcDateTime:O}; {eventType} is ignored until {ends}");
        }

        if (VersionOf(data) is not { } version)
        {
            return null;
        }

        var deployment = await gateway.DeploymentAsync(model, cancellationToken).ConfigureAwait(false);
        if (deployment is null)
        {
            RetrainerLog.StableCheckSkipped(logger, eventType, model, version);
            return null;
        }

        if (version == deployment.Stable)
        {
            return null;
        }

        var role = version == deployment.Canary ? "the canary" : version == deployment.Shadow ? "the shadow" : "not serving as stable";
        return string.Create(CultureInfo.InvariantCulture, $"version {version} is {role}, not stable {deployment.Stable}");
    }

    // data.version as the gateway writes it (a number); a string of digits is read too.
    private static int? VersionOf(JsonObject? data) => data?["version"] is JsonValue value
        ? value.TryGetValue<int>(out var number) ? number
        : value.TryGetValue<string>(out var text) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed
        : null
        : null;
}
