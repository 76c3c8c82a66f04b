namespace Serving.Core.Monitoring.Shadow;

/// <summary>Running figures of one model's shadow version against the versions that answered.</summary>
public sealed class ShadowStats
{
    private long _requests;
    private long _errors;
    private long _rows;
    private long _agreeingRows;
    private long _shadowTicks;
    private long _primaryTicks;

    public ShadowStats(int version) => Version = version;

    public int Version { get; }

    internal void Record(long rows, long agreeing, TimeSpan shadowLatency, TimeSpan primaryLatency)
    {
        Interlocked.Increment(ref _requests);
        Interlocked.Add(ref _rows, rows);
        Interlocked.Add(ref _agreeingRows, agreeing);
        Interlocked.Add(ref _shadowTicks, shadowLatency.Ticks);
        Interlocked.Add(ref _primaryTicks, primaryLatency.Ticks);
    }

    internal void RecordError() => Interlocked.Increment(ref _errors);

    /// <summary>A consistent-enough copy for reports.</summary>
    public ShadowReport Report(long dropped)
    {
        var requests = Interlocked.Read(ref _requests);
        var rows = Interlocked.Read(ref _rows);
        return new ShadowReport
        {
            Version = Version,
            Requests = requests,
            Errors = Interlocked.Read(ref _errors),
            Dropped = dropped,
            Agreement = rows == 0 ? null : (double)Interlocked.Read(ref _agreeingRows) / rows,
            MeanLatencyMs = requests == 0 ? null : TimeSpan.FromTicks(Interlocked.Read(ref _shadowTicks) / requests).TotalMilliseconds,
            PrimaryMeanLatencyMs = requests == 0 ? null : TimeSpan.FromTicks(Interlocked.Read(ref _primaryTicks) / requests).TotalMilliseconds,
        };
    }
}

/// <summary>What the admin API shows of a shadow.</summary>
public sealed record ShadowReport
{
    public int Version { get; init; }

    /// <summary>Requests the shadow answered.</summary>
    public long Requests { get; init; }

    /// <summary>Requests the shadow failed on (the callers never saw these).</summary>
    public long Errors { get; init; }

    /// <summary>Copies not made because the shadow queue was full.</summary>
    public long Dropped { get; init; }

    /// <summary>Share of rows where the shadow predicted what the serving version answered.</summary>
    public double? Agreement { get; init; }

    public double? MeanLatencyMs { get; init; }

    /// <summary>Mean data-plane latency of the serving version on the same requests.</summary>
    public double? PrimaryMeanLatencyMs { get; init; }
}
