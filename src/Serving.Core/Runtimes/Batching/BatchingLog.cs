using Microsoft.Extensions.Logging;

namespace Serving.Core.Runtimes.Batching;

/// <summary>Source-generated log messages of dynamic batching (event ids 1900-1919).</summary>
internal static partial class BatchingLog
{
    [LoggerMessage(EventId = 1900, Level = LogLevel.Warning, Message = "{Model} version {Version} has batching on, but not every input and output of its artifact has a variable leading (batch) dimension; it serves unbatched")]
    public static partial void CannotBatch(ILogger logger, string model, int version);
}
