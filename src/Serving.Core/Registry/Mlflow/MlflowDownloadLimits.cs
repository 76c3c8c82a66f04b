namespace Serving.Core.Registry.Mlflow;

/// <summary>
/// Bounds on what one version's download may take from the tracking server. Without them a broken or hostile
/// server could fill the disk with one endless file, hold a poll forever with folders nested without end, or fill
/// memory with one endless JSON answer; each limit reached refuses the version as <see cref="MlflowErrorKind.Invalid"/>.
/// </summary>
public sealed record MlflowDownloadLimits
{
    public static readonly MlflowDownloadLimits Default = new();

    /// <summary>Bytes of all files of one version together.</summary>
    public long MaxVersionBytes { get; init; } = 10L * 1024 * 1024 * 1024;

    /// <summary>Files and folders of one version together, so listings nested without end stop.</summary>
    public int MaxEntries { get; init; } = 10_000;

    /// <summary>Bytes of one JSON answer (a listing, a version) and of an error page; MLflow's are a few kilobytes.</summary>
    public int MaxAnswerBytes { get; init; } = 16 * 1024 * 1024;
}
