namespace Serving.Core.Registry;

/// <summary>Lifecycle states of a model version, as the admin API reports them.</summary>
public enum ModelVersionState
{
    Loading,
    Ready,
    Failed,
    Draining,
    Unloaded,
}
