using System.Diagnostics;
using System.Net;
using System.Text;
using Serving.Gateway.Tests.Hosting;

namespace Serving.Gateway.Tests.Metrics;

/// <summary>/metrics of the real gateway, checked by the real promtool.</summary>
public sealed class MetricsEndpointTests(SampleGatewayFixture gateway) : IClassFixture<SampleGatewayFixture>
{
    private const string IrisRow = """{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[5.1,3.5,1.4,0.2]}]}""";

    private async Task<string> ScrapeAsync()
    {
        var response = await gateway.Rest.GetAsync("/metrics", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
    }

    private static double Value(string exposition, string series) =>
        exposition.Split('\n').Where(l => l.StartsWith(series + " ", StringComparison.Ordinal))
            .Select(l => double.Parse(l[(series.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture))
            .SingleOrDefault();

    [Fact]
    public async Task Requests_are_counted_by_model_version_protocol_and_outcome()
    {
        var before = Value(await ScrapeAsync(), """serving_requests_total{model="iris",version="1",protocol="rest",outcome="ok"}""");
        for (var i = 0; i < 3; i++)
        {
            await gateway.Rest.PostAsync("/v2/models/iris/infer", new StringContent(IrisRow, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        }

        await gateway.Rest.PostAsync("/v2/models/iris/infer", new StringContent("{\"inputs\":[]}", Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        var text = await ScrapeAsync();

        Assert.Equal(before + 3, Value(text, """serving_requests_total{model="iris",version="1",protocol="rest",outcome="ok"}"""));
        Assert.Contains("""serving_request_duration_seconds_bucket{model="iris",version="1",protocol="rest",le=""", text, StringComparison.Ordinal);
        Assert.Contains("""serving_model_version_state{model="breast-cancer",version="2",state="ready"} 1""", text, StringComparison.Ordinal);
        Assert.Contains("""serving_deployment_version{model="breast-cancer",role="stable"} 2""", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_model_names_do_not_become_label_values()
    {
        await gateway.Rest.PostAsync("/v2/models/made-up-name-123/infer", new StringContent(IrisRow, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        var text = await ScrapeAsync();

        Assert.DoesNotContain("made-up-name-123", text, StringComparison.Ordinal);
        Assert.True(Value(text, """serving_requests_total{model="_unknown",version="none",protocol="rest",outcome="not_found"}""") >= 1);
    }

    [Fact]
    public async Task The_prediction_log_shows_every_reason_a_record_can_never_be_written_from_the_start()
    {
        var text = await ScrapeAsync();

        foreach (var reason in new[] { "path_too_long", "invalid_name", "serialization" })
        {
            Assert.Contains($"serving_prediction_log_unwritable_total{{reason=\"{reason}\"}} 0", text, StringComparison.Ordinal);
        }

        Assert.Contains("serving_prediction_log_dropped_total 0", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_process_and_runtime_are_exported_under_their_usual_names_and_move_between_scrapes()
    {
        var before = await ScrapeAsync();
        GC.Collect(0);
        for (var i = 0; i < 20; i++)
        {
            await gateway.Rest.PostAsync("/v2/models/iris/infer", new StringContent(IrisRow, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        }

        var after = await ScrapeAsync();

        // The gateway runs in this test's process: its counters are this process's own.
        Assert.True(Value(after, "process_cpu_seconds_total") > Value(before, "process_cpu_seconds_total"));
        Assert.True(Value(after, "dotnet_gc_allocated_bytes_total") > Value(before, "dotnet_gc_allocated_bytes_total"));
        Assert.True(Value(after, """dotnet_gc_collections_total{generation="0"}""") > Value(before, """dotnet_gc_collections_total{generation="0"}"""));
        Assert.True(Value(after, "dotnet_threadpool_completed_items_total") > Value(before, "dotnet_threadpool_completed_items_total"));
        Assert.True(Value(after, "process_resident_memory_bytes") > 1 << 20);
        Assert.InRange(Value(after, "process_start_time_seconds"), DateTimeOffset.UtcNow.AddDays(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Assert.True(Value(after, "dotnet_gc_heap_size_bytes") > 0);
        if (OperatingSystem.IsLinux())
        {
            Assert.InRange(Value(after, "process_open_fds"), 1, Value(after, "process_max_fds"));
        }
    }

    [Fact]
    public async Task Promtool_finds_nothing_to_complain_about()
    {
        var promtool = RequiredTool.Find("promtool", "apt-get install prometheus");
        await gateway.Rest.PostAsync("/v2/models/iris/infer", new StringContent(IrisRow, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        var text = await ScrapeAsync();

        var start = new ProcessStartInfo(promtool, ["check", "metrics"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(text);
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken)
            + await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.True(process.ExitCode == 0 && string.IsNullOrWhiteSpace(output), $"promtool check metrics said (exit {process.ExitCode}):\n{output}");
    }
}
