using Microsoft.Extensions.Logging;

namespace Serving.Core.Storage;

/// <summary>Source-generated log messages of the data directory (event ids 1700-1799).</summary>
internal static partial class StorageLog
{
    // One line, no stack trace: the path and the system's reason are what an operator needs to fix it.
    [LoggerMessage(EventId = 1700, Level = LogLevel.Error, Message = "The data directory {Path} is not writable: {Reason}. Deployment changes are not saved and prediction logs are not written there until it is fixed (make it writable, or set Serving:DataPath); the gateway goes on serving")]
    public static partial void NotWritable(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 1701, Level = LogLevel.Information, Message = "The data directory {Path} is writable again")]
    public static partial void WritableAgain(ILogger logger, string path);
}
