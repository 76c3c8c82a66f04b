namespace Serving.Core.Coordination;

/// <summary>
/// Whether this process is the one replica that runs what must happen once across replicas (rollout steps, drift
/// episodes, webhook delivery, schedules). A single process is always the leader; with Redis the holder of a
/// renewed lease is, and <see cref="FencingToken"/> grows with every new holder so a late write from an old leader
/// can be refused.
/// </summary>
public interface ILeadership
{
    /// <summary>True while this process holds leadership.</summary>
    bool IsLeader { get; }

    /// <summary>The token of the current term, larger for every later holder; 0 before any term was won.</summary>
    long FencingToken { get; }
}
