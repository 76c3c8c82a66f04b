using Serving.Core.Health;

namespace Serving.Core.Storage;

/// <summary>
/// The data directory's part of readiness, for operators: reported, never required. The gateway still serves when it
/// cannot write there; only saving deployments (and file logs) stops, which readiness details and /metrics show.
/// </summary>
public sealed class DataDirectoryReadiness(DataDirectoryStatus status) : IReadinessDetail
{
    public const string Name = "data-directory";

    public ReadinessDetail Check()
    {
        var report = status.Snapshot();
        var reason = !report.Writable && report.CheckedAt is not null
            ? $"data directory '{report.Path}' cannot be written (Serving:DataPath): {report.Problem}; deployments are not saved"
            : report.LastStateSaveError is { } error
                ? $"saving deployments fails ({report.StateSaveFailures} failed saves so far): {error}"
                : null;
        return new ReadinessDetail(Name, reason is null, reason, Required: false);
    }
}
