using Microsoft.Extensions.Logging;

namespace Serving.Core.Monitoring.Shadow;

/// <summary>Source-generated log messages of shadow traffic (event ids 1400-1499).</summary>
internal static partial class ShadowLog
{
    [LoggerMessage(EventId = 1400, Level = LogLevel.Debug, Message = "Shadow version {Version} of {Model} failed a mirrored request: {Reason}")]
    public static partial void ShadowFailed(ILogger logger, string model, int version, string reason);
}
