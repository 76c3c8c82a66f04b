using System.Globalization;
using System.Text;
using System.Text.Json;
using HdrHistogram;

namespace Serving.LoadTests.GrpcLoad;

/// <summary>What a measured phase produced: call counts, elapsed time and the latency histogram in microseconds.</summary>
internal sealed record LoadResult(long Requests, long Failures, TimeSpan Elapsed, HistogramBase LatencyMicros,
    IReadOnlyDictionary<string, long> FailuresByStatus)
{
    /// <summary>CPU time this client used during the phase.</summary>
    public TimeSpan ClientCpu { get; init; }

    /// <summary>CPU time the server used during the phase, when its process id was given.</summary>
    public TimeSpan? ServerCpu { get; init; }

    public double RequestsPerSecond => Requests / Elapsed.TotalSeconds;

    private double PerCallMicros(TimeSpan cpu) => Requests + Failures == 0 ? 0 : cpu.TotalMicroseconds / (Requests + Failures);

    public long Percentile(double p) => LatencyMicros.TotalCount == 0 ? 0 : LatencyMicros.GetValueAtPercentile(p);

    public long Max => LatencyMicros.TotalCount == 0 ? 0 : LatencyMicros.GetMaxValue();

    public double Mean => LatencyMicros.TotalCount == 0 ? 0 : LatencyMicros.GetMean();

    /// <summary>The human-readable summary.</summary>
    public string Describe(LoadOptions options)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"gRPC {options.Mode.ToString().ToLowerInvariant()} {options.Model} @ {options.Target}: " +
            $"{options.Concurrency} callers on one HTTP/2 connection");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"  {Requests} calls in {Elapsed.TotalSeconds:F2} s = {RequestsPerSecond:F1} req/s, {Failures} failed");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"  latency ms: p50 {Ms(Percentile(50))}  p90 {Ms(Percentile(90))}  p99 {Ms(Percentile(99))}  max {Ms(Max)}");
        var serverCpu = ServerCpu is { } server
            ? string.Create(CultureInfo.InvariantCulture, $", server {PerCallMicros(server):F0} us")
            : string.Empty;
        text.AppendLine(CultureInfo.InvariantCulture, $"  CPU per call: client {PerCallMicros(ClientCpu):F0} us{serverCpu}");
        foreach (var (status, count) in FailuresByStatus)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  failed with {status}: {count}");
        }

        return text.ToString().TrimEnd();
    }

    /// <summary>One JSON object, with the same keys as the wrk scripts' WRK_RESULT line, for the run script.</summary>
    public string ToJson(LoadOptions options)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("mode", options.Mode.ToString().ToLowerInvariant());
            json.WriteNumber("concurrency", options.Concurrency);
            json.WriteNumber("requests", Requests);
            json.WriteNumber("seconds", Math.Round(Elapsed.TotalSeconds, 3));
            json.WriteNumber("rps", Math.Round(RequestsPerSecond, 1));
            json.WriteNumber("p50_us", Percentile(50));
            json.WriteNumber("p90_us", Percentile(90));
            json.WriteNumber("p99_us", Percentile(99));
            json.WriteNumber("max_us", Max);
            json.WriteNumber("mean_us", Math.Round(Mean, 1));
            json.WriteNumber("errors", Failures);
            json.WriteNumber("client_cpu_us_per_req", Math.Round(PerCallMicros(ClientCpu), 1));
            if (ServerCpu is { } server)
            {
                json.WriteNumber("server_cpu_us_per_req", Math.Round(PerCallMicros(server), 1));
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static string Ms(long micros) => (micros / 1000.0).ToString("F3", CultureInfo.InvariantCulture);
}
