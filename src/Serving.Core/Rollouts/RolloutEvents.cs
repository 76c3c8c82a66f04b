using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Serving.Core.Events;

namespace Serving.Core.Rollouts;

/// <summary>The <c>rollout.promoted</c> and <c>rollout.rolled_back</c> events an ended rollout publishes.</summary>
internal static class RolloutEvents
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>
    /// The event of a promoted or rolled-back rollout, or null for any other state. Its id names the rollout (model,
    /// canary, start) and the outcome, so publishing it again after a restart is recognised as the same event.
    /// </summary>
    public static GatewayEvent? Of(RolloutRun run)
    {
        var (type, outcome) = run.State switch
        {
            RolloutStates.Promoted => (GatewayEventTypes.RolloutPromoted, "promoted"),
            RolloutStates.RolledBack => (GatewayEventTypes.RolloutRolledBack, "rolled_back"),
            _ => (null, null),
        };
        if (type is null || run.Decisions.Count == 0)
        {
            return null;
        }

        var last = run.Decisions[^1];
        var id = string.Create(CultureInfo.InvariantCulture, $"rollout-{run.Model}-{run.Canary}-{run.StartedAt.ToUnixTimeMilliseconds()}-{outcome}");
        var data = new JsonObject
        {
            ["model"] = run.Model,
            ["version"] = run.Canary,
            ["stableVersion"] = run.Stable,
            ["outcome"] = run.State,
            ["reason"] = last.Reasons.Count == 0 ? Summary(run) : $"{Summary(run)}: {string.Join("; ", last.Reasons)}",
            ["steps"] = new JsonArray([.. run.Steps.Select(s => JsonValue.Create(s))]),
            ["stepIndex"] = run.StepIndex,
            ["weight"] = last.Weight,
            ["failures"] = run.Failures,
            ["failureLimit"] = run.FailureLimit,
            ["decisions"] = run.Decisions.Count,
            ["lastDecision"] = JsonSerializer.SerializeToNode(last, Json),
            ["startedAt"] = run.StartedAt,
            ["finishedAt"] = last.At,
        };
        return new GatewayEvent(id, type, last.At, data);
    }

    private static string Summary(RolloutRun run) => run.State == RolloutStates.Promoted
        ? string.Create(CultureInfo.InvariantCulture, $"version {run.Canary} passed every rollout step and replaced stable {run.Stable}")
        : string.Create(CultureInfo.InvariantCulture, $"version {run.Canary} was rolled back; stable {run.Stable} stays");
}
