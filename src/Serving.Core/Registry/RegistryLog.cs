using Microsoft.Extensions.Logging;

namespace Serving.Core.Registry;

/// <summary>Source-generated log messages of the registry (event ids 1000-1099).</summary>
internal static partial class RegistryLog
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Loaded {Model} version {Version} from {Directory}")]
    public static partial void VersionLoaded(ILogger logger, string model, int version, string directory);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "{Model} version {Version} failed to load: {Reason}")]
    public static partial void VersionFailed(ILogger logger, string model, int version, string reason);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Debug, Message = "{Model} version {Version} is incomplete, retrying: {Reason}")]
    public static partial void VersionWaiting(ILogger logger, string model, int version, string reason);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "{Model} version {Version} was removed from the registry; unloading after in-flight requests")]
    public static partial void VersionRemoved(ILogger logger, string model, int version);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Error, Message = "The server is not ready: {Problem}. Versions already loaded from it keep serving; nothing new is loaded from it until the folder can be read")]
    public static partial void RegistryUnavailable(ILogger logger, string problem);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Error, Message = "Registry scan failed")]
    public static partial void ScanFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Information, Message = "Registry scan complete: {Models} model(s), {Ready} ready version(s)")]
    public static partial void InitialScanDone(ILogger logger, int models, int ready);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Warning, Message = "Watching {Path} failed; relying on the periodic rescan")]
    public static partial void WatchFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Information, Message = "Registry folder {Path} can be read again")]
    public static partial void RegistryAvailable(ILogger logger, string path);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Warning, Message = "Model folder {Folder} cannot be read ({Reason}); its versions are left as they were, and the other models are read as usual")]
    public static partial void ModelFolderUnreadable(ILogger logger, string folder, string reason);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Error, Message = "Loading {Model} version {Version} threw; the version is marked failed and the scan goes on")]
    public static partial void LoadThrew(ILogger logger, string model, int version, Exception exception);
}
