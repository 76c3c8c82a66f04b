namespace Serving.Core.Storage;

/// <summary>
/// Whether the gateway can write what it keeps: the data directory's last write check, and failures to save the
/// deployment state. Read by <c>/metrics</c> and readiness details through <see cref="Snapshot"/>; a failure here
/// never stops serving, it is only reported.
/// </summary>
public sealed class DataDirectoryStatus
{
    /// <summary>
    /// The admin API's header on a change that is in effect but could not be saved (its value: the file and the
    /// reason): the gateway sets it, the CLI warns on it.
    /// </summary>
    public const string StateUnsavedHeader = "Serving-State-Unsaved";

    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private DataDirectoryReport _report;

    public DataDirectoryStatus(DataPaths paths, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(paths);
        Paths = paths;
        _time = time;
        // Assumed writable until checked: nothing has failed yet, and the check runs before the server starts.
        _report = new DataDirectoryReport { Path = paths.Root, Writable = true };
    }

    /// <summary>The data directory and where each thing lives under it.</summary>
    public DataPaths Paths { get; }

    /// <summary>Whether the last check could write to the data directory.</summary>
    public bool Writable => Snapshot().Writable;

    /// <summary>Failed saves of the deployment state since start-up.</summary>
    public long StateSaveFailures => Snapshot().StateSaveFailures;

    /// <summary>Everything known now, as one consistent value.</summary>
    public DataDirectoryReport Snapshot()
    {
        lock (_lock)
        {
            return _report;
        }
    }

    /// <summary>
    /// Checks the data directory now (creates it, writes and deletes a file). Returns the report before and after,
    /// so the caller can say when writability changed.
    /// </summary>
    public (DataDirectoryReport Before, DataDirectoryReport After) Check()
    {
        var problem = DataDirectoryProbe.Check(Paths.Root);
        lock (_lock)
        {
            var before = _report;
            _report = _report with { Writable = problem is null, Problem = problem, CheckedAt = _time.GetUtcNow() };
            return (before, _report);
        }
    }

    /// <summary>Records a failed save of the deployment state; returns whether it is the first since the last success.</summary>
    public bool StateSaveFailed(string path, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        lock (_lock)
        {
            var first = _report.LastStateSaveError is null;
            _report = _report with
            {
                StateSaveFailures = _report.StateSaveFailures + 1,
                LastStateSaveError = $"{path}: {DataDirectoryProbe.Reason(exception)}",
                LastStateSaveErrorAt = _time.GetUtcNow(),
            };
            return first;
        }
    }

    /// <summary>Records a successful save; returns whether saves had been failing until now.</summary>
    public bool StateSaved()
    {
        lock (_lock)
        {
            var recovered = _report.LastStateSaveError is not null;
            _report = _report with { LastStateSaveError = null, LastStateSaveErrorAt = null };
            return recovered;
        }
    }
}
