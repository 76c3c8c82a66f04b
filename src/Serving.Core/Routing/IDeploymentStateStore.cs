using System.Text.Json;

namespace Serving.Core.Routing;

/// <summary>
/// Where deployments and their rollouts are kept: the deployments file for one process (<see cref="DeploymentStore"/>),
/// or Redis shared by every replica. A shared store also says when another replica changed the state.
/// </summary>
public interface IDeploymentStateStore
{
    /// <summary>Where the state is, for messages (a path, or the Redis key).</summary>
    string Location { get; }

    /// <summary>Whether anything was saved there yet.</summary>
    bool Exists { get; }

    /// <summary>The saved deployments and rollouts; empty with the reason when they cannot be read.</summary>
    (DeploymentStore.SavedState State, string? Problem) LoadAll();

    /// <summary>Saves every deployment and each model's latest rollout (the store does not look inside a rollout).</summary>
    void Save(DeploymentTable table, IReadOnlyDictionary<string, JsonElement> rollouts);
}

/// <summary>A store other replicas write to as well: it raises <see cref="ChangedElsewhere"/> with their changes.</summary>
public interface ISharedDeploymentStateStore : IDeploymentStateStore
{
    /// <summary>
    /// Raised (on a background thread) with the whole state after another replica changed it, and the models whose
    /// deployment or rollout differ from what this replica had.
    /// </summary>
    event Action<DeploymentStore.SavedState, IReadOnlyCollection<string>>? ChangedElsewhere;

    /// <summary>
    /// Called by the deployment manager, under its lock, with the models of a <see cref="ChangedElsewhere"/> it now
    /// serves: from here on, a save compares them with the other replica's state, so it is not written back.
    /// </summary>
    void Applied(IReadOnlyCollection<string> models);
}
