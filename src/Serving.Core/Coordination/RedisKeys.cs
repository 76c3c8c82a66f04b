namespace Serving.Core.Coordination;

/// <summary>The Redis keys and channel of shared deployment state and leadership (all under <c>serving:</c>).</summary>
public static class RedisKeys
{
    /// <summary>The leader lease: holds the holder's id, with the lease's expiry (PX).</summary>
    public const string Leader = "serving:leader";

    /// <summary>The fencing counter: INCR on every acquisition; leader-only writes carrying a smaller token are refused.</summary>
    public const string Fence = "serving:leader:fence";

    /// <summary>Channel a leader publishes on when it gives the lease up, so a follower takes it at once.</summary>
    public const string LeaderReleased = "serving:leader:released";

    /// <summary>A hash, model → that model's deployment and rollout as one versioned JSON document.</summary>
    public const string Deployments = "serving:deployments";

    /// <summary>The state's version: INCR on every write, and stamped into the document written.</summary>
    public const string DeploymentsVersion = "serving:deployments:version";

    /// <summary>
    /// An id the first write into an empty Redis sets and every document carries: versions are compared only within
    /// one epoch, since a Redis restarted without its data counts them from 1 again (and loses this key with them).
    /// </summary>
    public const string DeploymentsEpoch = "serving:deployments:epoch";

    /// <summary>Pub/sub channel: a write's version (the message only wakes the replicas, which re-read the hash), published by the same script that wrote it.</summary>
    public const string DeploymentsChanged = "serving:deployments:changed";
}
