using System.Net;
using Serving.Cli.Tests.Admin;

namespace Serving.Cli.Tests.Commands.Monitoring;

/// <summary><c>serving performance</c> against a stand-in gateway that answers one report.</summary>
public sealed class PerformanceCommandTests
{
    private const string Report = """
        {"model":"breast-cancer","versions":[
          {"version":"2","task":"binary","window":{"start":"2026-03-01T12:00:00+00:00","end":"2026-03-01T12:05:00+00:00","rows":500},
           "labels":480,"labelCoverage":0.96,"metrics":{"accuracy":0.9712,"precision":0.98,"recall":0.97,"f1":0.975,"rocAuc":null,"logLoss":0.08},
           "current":{"start":"2026-03-01T12:05:01+00:00","end":"2026-03-01T12:06:00+00:00","rows":20,"labels":0,"labelCoverage":0,
                      "metrics":{"accuracy":null,"precision":null,"recall":null,"f1":null,"rocAuc":null,"logLoss":null}}}]}
        """;

    [Fact]
    public async Task Prints_each_versions_window_with_its_metrics()
    {
        using var gateway = StandInGateway.Start(HttpStatusCode.OK, Report);

        var run = await CliRun.Of("performance", "breast-cancer", "--url", gateway.Url);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("0.971", run.Messages, StringComparison.Ordinal);
        Assert.Contains("96%", run.Messages, StringComparison.Ordinal);
        Assert.Contains("n/a", run.Messages, StringComparison.Ordinal);
        Assert.Contains("open", run.Messages, StringComparison.Ordinal);
        Assert.Equal("/monitoring/models/breast-cancer/performance", gateway.LastPath);
    }

    [Fact]
    public async Task With_json_prints_the_gateways_report_to_standard_output()
    {
        using var gateway = StandInGateway.Start(HttpStatusCode.OK, Report);

        var run = await CliRun.Of("performance", "breast-cancer", "--url", gateway.Url, "--json");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(Report.Trim(), run.Result.Trim());
    }

    [Fact]
    public async Task As_tsv_prints_one_row_per_window_with_the_reports_numbers_as_sent()
    {
        using var gateway = StandInGateway.Start(HttpStatusCode.OK, Report);

        var run = await CliRun.Of("performance", "breast-cancer", "--url", gateway.Url, "--output", "tsv");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(
            [
                "version\twindow\tstart\tend\trows\tlabels\tlabel_coverage\taccuracy\tprecision\trecall\tf1\trocAuc\tlogLoss",
                "2\tclosed\t2026-03-01T12:00:00+00:00\t2026-03-01T12:05:00+00:00\t500\t480\t0.96\t0.9712\t0.98\t0.97\t0.975\t-\t0.08",
                "2\topen\t2026-03-01T12:05:01+00:00\t2026-03-01T12:06:00+00:00\t20\t0\t0\t-\t-\t-\t-\t-\t-",
            ],
            run.Result.TrimEnd().Split('\n'));
        Assert.Equal(string.Empty, run.Messages);
    }

    [Fact]
    public async Task An_unknown_model_prints_the_gateways_message_and_exits_1()
    {
        using var gateway = StandInGateway.Start(HttpStatusCode.NotFound, """{"error":"model 'nope' is not in the registry"}""");

        var run = await CliRun.Of("performance", "nope", "--url", gateway.Url);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("model 'nope' is not in the registry", run.Messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_gateway_is_one_error_line_and_exit_1()
    {
        var run = await CliRun.Of("performance", "iris", "--url", $"http://127.0.0.1:{StandInGateway.FreePort()}");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("could not read the report", run.Messages, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HttpStatusCode.OK, "{}", "table")]
    [InlineData(HttpStatusCode.OK, "{}", "tsv")]
    [InlineData(HttpStatusCode.OK, "[1,2,3]", "table")]
    [InlineData(HttpStatusCode.OK, "\"report\"", "tsv")]
    [InlineData(HttpStatusCode.Conflict, "[\"x\"]", "table")]
    public async Task An_answer_that_is_not_a_report_is_one_error_line_and_exit_1(HttpStatusCode status, string answer, string format)
    {
        using var gateway = StandInGateway.Start(status, answer);

        var run = await CliRun.Of("performance", "iris", "--url", gateway.Url, "--output", format);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(string.Empty, run.Result);
        Assert.StartsWith("error:", run.Messages, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Messages, StringComparison.Ordinal);
    }

    // JsonElement.GetProperty alone said "The given key was not present in the dictionary", naming no field.
    [Theory]
    [InlineData("""{"model":"iris"}""", "table", "the field 'versions' is missing")]
    [InlineData("""{"model":"iris"}""", "tsv", "the field 'versions' is missing")]
    [InlineData("""{"model":"iris","versions":[{"version":"1"}]}""", "table", "the field 'metrics' is missing")]
    [InlineData("""{"model":"iris","versions":[[]]}""", "table", "the field 'metrics' is missing: it should be in an object, not an array")]
    public async Task A_report_without_a_field_names_the_field(string answer, string format, string expected)
    {
        using var gateway = StandInGateway.Start(HttpStatusCode.OK, answer);

        var run = await WideCliRun.OfWidth(CliOutput.RedirectedWidth, "performance", "iris", "--url", gateway.Url, "--output", format);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"error: the gateway's answer is not a performance report: {expected}", run.Messages.TrimEnd());
    }

    // The same words as the admin commands, the address once: "the gateway at <url> ...", not a .NET message, nor one
    // prefixed with the address again.
    [Fact]
    public async Task An_answer_broken_off_says_so_with_the_gateways_address_once()
    {
        using var gateway = SilentGateway.Start("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"model\":", close: true);

        var run = await WideCliRun.OfWidth(CliOutput.RedirectedWidth, "performance", "iris", "--url", gateway.Url);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith($"error: the gateway at {gateway.Url} broke off its answer: ", run.Messages, StringComparison.Ordinal);
        Assert.Equal(run.Messages.IndexOf(gateway.Url, StringComparison.Ordinal), run.Messages.LastIndexOf(gateway.Url, StringComparison.Ordinal));
    }
}
