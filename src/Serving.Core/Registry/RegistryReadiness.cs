using Serving.Core.Health;

namespace Serving.Core.Registry;

/// <summary>
/// The registry's part of readiness: ready once the folder has been read, not ready while it is missing or cannot be
/// read. Versions that fail to load do not count: one broken package must not take the whole server out of service.
/// </summary>
public sealed class RegistryReadiness(ModelRegistry registry) : IReadinessDetail
{
    public const string Name = "registry";

    public ReadinessDetail Check()
    {
        var snapshot = registry.Current;
        return new ReadinessDetail(
            Name,
            snapshot.IsReady,
            snapshot.FolderProblem ?? (snapshot.InitialScanComplete ? null : "the registry is still being read"));
    }
}
