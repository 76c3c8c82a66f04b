using System.Collections.Concurrent;

namespace Serving.Core.Registry.Mlflow;

/// <summary>The state of every MLflow-sourced model, shared by the sources (writers) and the admin API (reader).</summary>
public sealed class MlflowSourceStatus
{
    private readonly ConcurrentDictionary<string, MlflowModelSourceState> _states = new(StringComparer.Ordinal);

    /// <summary>Every MLflow-sourced model's state, by model name.</summary>
    public IReadOnlyList<MlflowModelSourceState> All => [.. _states.Values.OrderBy(s => s.Model, StringComparer.Ordinal)];

    /// <summary>One model's state, or null when the model does not come from MLflow.</summary>
    public MlflowModelSourceState? Find(string model) => _states.GetValueOrDefault(model);

    /// <summary>Whether every MLflow source reached its server on its last poll (true when there are none).</summary>
    public bool AllReachable => _states.Values.All(s => s.Reachable || s.LastPollAt is null);

    internal void Set(MlflowModelSourceState state) => _states[state.Model] = state;
}
