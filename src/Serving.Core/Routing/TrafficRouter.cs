using Microsoft.Extensions.Options;
using Serving.Core.Contracts;
using Serving.Core.Registry;

namespace Serving.Core.Routing;

/// <summary>
/// Picks the version for a request that pins none: the canary with its weight's share of traffic, else stable.
/// A routing key makes the choice sticky: the key is hashed into one of 100 buckets, so a caller stays on one
/// version while the weights hold and moves only when the canary's share grows past its bucket.
/// </summary>
public sealed class TrafficRouter
{
    private readonly IRandomSource _random;
    private readonly DeploymentOptions? _options;

    public TrafficRouter(IRandomSource random, IOptions<DeploymentOptions>? options = null)
    {
        _random = random;
        _options = options?.Value;
    }

    /// <summary>Routes within <paramref name="entry"/>'s loaded versions; null when nothing can serve.</summary>
    public RouteDecision? Route(ModelEntry entry, ModelDeployment? deployment, string? routingKey)
    {
        if (deployment is null)
        {
            // Until its source (MLflow aliases) sets a deployment, a model that follows one serves nothing: its
            // newest version may be the challenger.
            return entry.Default is { } newest && _options?.FollowsSource(entry.Name) != true ? new RouteDecision(newest, RouteKind.Stable) : null;
        }

        var spec = deployment.Spec;
        var loaded = entry.Loaded;
        if (spec.Canary is { } c && spec.CanaryWeight > 0 && loaded.TryGetValue(c, out var canary))
        {
            var bucket = routingKey is null ? _random.NextDouble() * 100 : StickyBucket(routingKey);
            if (bucket < spec.CanaryWeight)
            {
                return new RouteDecision(canary, RouteKind.Canary);
            }
        }

        if (loaded.TryGetValue(spec.Stable, out var stable))
        {
            return new RouteDecision(stable, RouteKind.Stable);
        }

        // The stable version went away (its folder was removed): serve the newest loaded one rather than fail.
        return entry.Default is { } fallback ? new RouteDecision(fallback, RouteKind.Fallback) : null;
    }

    /// <summary>A stable bucket in [0, 100) for a routing key (FNV-1a, the same in every replica and run).</summary>
    public static int StickyBucket(string key)
    {
        var hash = 2166136261u;
        foreach (var c in key)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % 100);
    }
}
