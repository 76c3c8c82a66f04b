using Microsoft.Extensions.Logging;
using Serving.Core.Contracts;

namespace Serving.Gateway.Grpc;

/// <summary>
/// Logs calls the gRPC framework refused before the inference service ran (a request that is not protobuf, a bad
/// frame, a message over the size limit): at warning level, without a stack trace (the caller's bytes are at fault,
/// not the server), and at most once a minute with a count of the calls since the last entry, so a flood of garbage
/// costs a line a minute.
/// </summary>
internal sealed partial class GrpcRefusalLog(ILogger<GrpcRefusalLog> logger, TimeProvider? time = null)
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private long _unlogged;
    private long _lastLogged;

    /// <summary>Counts a refused call; logs it with the count since the last entry unless one was logged within a minute.</summary>
    public void Record(string method, int status, string detail)
    {
        var count = Interlocked.Increment(ref _unlogged);
        var now = _time.GetTimestamp();
        var last = Interlocked.Read(ref _lastLogged);
        if ((last == 0 || _time.GetElapsedTime(last, now) >= Interval)
            && Interlocked.CompareExchange(ref _lastLogged, now, last) == last)
        {
            count = Interlocked.Exchange(ref _unlogged, 0);
            Refused(logger, count, method, status, CallerText.Cut(detail, 200));
        }
    }

    [LoggerMessage(EventId = 4200, Level = LogLevel.Warning,
        Message = "gRPC refused {Count} call(s) before the service ran since the last such entry; the latest: {Method}, status {Status}, \"{Detail}\" (logged at most once a minute)")]
    private static partial void Refused(ILogger logger, long count, string method, int status, string detail);
}
