namespace Serving.Core.Storage;

/// <summary>The data directory's state at one moment, as <c>/metrics</c> and readiness details show it.</summary>
public sealed record DataDirectoryReport
{
    /// <summary>The data directory (absolute).</summary>
    public required string Path { get; init; }

    /// <summary>Whether the last check could create the folder and write a file in it.</summary>
    public bool Writable { get; init; }

    /// <summary>The operating system's reason when it could not; null when writable.</summary>
    public string? Problem { get; init; }

    /// <summary>When the folder was last checked; null before the first check.</summary>
    public DateTimeOffset? CheckedAt { get; init; }

    /// <summary>Failed saves of the deployment state since start-up.</summary>
    public long StateSaveFailures { get; init; }

    /// <summary>The last failed save (file and reason) while saves keep failing; null once one succeeds.</summary>
    public string? LastStateSaveError { get; init; }

    /// <summary>When <see cref="LastStateSaveError"/> happened.</summary>
    public DateTimeOffset? LastStateSaveErrorAt { get; init; }
}
