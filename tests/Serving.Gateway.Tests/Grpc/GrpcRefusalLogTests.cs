using Microsoft.Extensions.Logging;
using Serving.Gateway.Grpc;
using Serving.Gateway.Tests.Rest.Admin;

namespace Serving.Gateway.Tests.Grpc;

/// <summary>Refused calls are logged at most once a minute, each entry with the count since the last one.</summary>
public sealed class GrpcRefusalLogTests
{
    [Fact]
    public void Logs_the_first_refusal_then_once_a_minute_with_the_count_since()
    {
        var logs = new CapturedLogs();
        using var factory = LoggerFactory.Create(builder => builder.AddProvider(logs));
        var clock = new ManualClock();
        var log = new GrpcRefusalLog(factory.CreateLogger<GrpcRefusalLog>(), clock);

        log.Record("ModelInfer", 3, "first");
        clock.Advance(TimeSpan.FromSeconds(30));
        log.Record("ModelInfer", 3, "second");
        log.Record("ModelReady", 3, "third");
        clock.Advance(TimeSpan.FromSeconds(31));
        log.Record("ModelMetadata", 8, "fourth " + new string('x', 100_000));

        var lines = logs.Lines.ToArray();
        Assert.Equal(2, lines.Length);
        Assert.Contains("refused 1 call(s)", lines[0], StringComparison.Ordinal);
        Assert.Contains("refused 3 call(s)", lines[1], StringComparison.Ordinal);
        Assert.Contains("ModelMetadata, status 8", lines[1], StringComparison.Ordinal);
        Assert.All(lines, l => Assert.StartsWith("Serving.Gateway.Grpc.GrpcRefusalLog Warning: ", l, StringComparison.Ordinal));
        Assert.True(lines[1].Length < 1000, $"{lines[1].Length} characters");
    }

    /// <summary>A clock that moves only when told.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private long _ticks = TimeSpan.TicksPerDay;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
