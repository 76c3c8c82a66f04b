namespace Serving.Core.Coordination;

/// <summary>
/// A leadership that can be won and lost while the process runs (the Redis lease), and says so: a part that only
/// the leader runs (rollout steps) takes its work up again the moment this process becomes the leader.
/// </summary>
public interface ILeadershipChanges
{
    /// <summary>Raised with true when this process became the leader, false when it stopped being it; on a background thread.</summary>
    event Action<bool>? LeadershipChanged;
}
