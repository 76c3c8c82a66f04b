using System.Net;
using System.Text.Json;
using Serving.Cli.Tests.Admin;

namespace Serving.Cli.Tests.Commands.Monitoring;

/// <summary><c>serving drift</c> against the real gateway.</summary>
public sealed class DriftCommandTests
{
    [Fact]
    public async Task Drift_prints_the_closed_window_and_a_row_per_feature_with_its_verdict()
    {
        await using var host = await DriftCliGatewayHost.StartAsync();
        await host.SendShiftedWindowAsync();

        var run = await WideCliRun.Of("drift", "breast-cancer", "--url", host.Url);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("version 2: window", run.Messages, StringComparison.Ordinal);
        Assert.Contains($"{DriftCliGatewayHost.WindowRows} rows", run.Messages, StringComparison.Ordinal);
        Assert.Matches(@"mean radius\s*│\s*ks\s*│[^\n]*│\s*yes", run.Messages);
        Assert.Matches(@"mean texture\s*│\s*ks\s*│[^\n]*│\s*no", run.Messages);
        Assert.Contains("prediction: label", run.Messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drift_with_json_prints_the_servers_report()
    {
        await using var host = await DriftCliGatewayHost.StartAsync();
        await host.SendShiftedWindowAsync();

        var run = await WideCliRun.Of("drift", "breast-cancer", "--url", host.Url, "--json");

        Assert.Equal(0, run.ExitCode);
        var version = JsonDocument.Parse(run.Result).RootElement.GetProperty("versions")[0];
        Assert.Equal(DriftCliGatewayHost.WindowRows, version.GetProperty("window").GetProperty("rows").GetInt32());
    }

    [Fact]
    public async Task Drift_as_tsv_prints_a_row_per_feature_and_one_for_the_prediction()
    {
        await using var host = await DriftCliGatewayHost.StartAsync();
        await host.SendShiftedWindowAsync();

        var run = await WideCliRun.Of("drift", "breast-cancer", "--url", host.Url, "--output", "tsv");

        Assert.Equal(0, run.ExitCode);
        var lines = run.Result.TrimEnd().Split('\n');
        Assert.Equal("version\twindow_start\twindow_end\trows\tdataset_drift\tkind\tname\tmethod\tstatistic\tp_value\tthreshold\tdrifted\tpsi\tpsi_drifted", lines[0]);
        Assert.Equal(1 + 30 + 1, lines.Length);
        Assert.All(lines, line => Assert.Equal(14, line.Split('\t').Length));
        Assert.Matches($@"^2\t[^\t]+\t[^\t]+\t{DriftCliGatewayHost.WindowRows}\t(true|false)\tfeature\tmean radius\tks\t[^\t]+\t[^\t]+\t[^\t]+\ttrue\t", lines[1]);
        Assert.Contains(lines, line => line.Contains("\tprediction\tlabel\t", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Drift_of_an_unknown_model_prints_the_servers_error_and_exits_1()
    {
        await using var host = await DriftCliGatewayHost.StartAsync();

        var run = await WideCliRun.Of("drift", "no-such-model", "--url", host.Url);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error: model 'no-such-model' is not in the registry", run.Messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drift_before_any_window_closed_says_so()
    {
        await using var host = await DriftCliGatewayHost.StartAsync();

        var run = await WideCliRun.Of("drift", "breast-cancer", "--url", host.Url);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("version 2: no window has closed yet", run.Messages, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{}", "table")]
    [InlineData("{}", "tsv")]
    [InlineData("[null]", "tsv")]
    public async Task An_answer_that_is_not_a_drift_report_is_one_error_line_and_exit_1(string answer, string format)
    {
        using var gateway = StandInGateway.Start(HttpStatusCode.OK, answer);

        var run = await WideCliRun.OfWidth(CliOutput.RedirectedWidth, "drift", "iris", "--url", gateway.Url, "--output", format);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(string.Empty, run.Result);
        Assert.StartsWith("error:", run.Messages, StringComparison.Ordinal);
        Assert.Single(run.Messages.TrimEnd().Split('\n'));
    }

    // JsonElement.GetProperty alone said "The given key was not present in the dictionary", naming no field.
    [Theory]
    [InlineData("""{"model":"iris"}""", "table", "the field 'versions' is missing")]
    [InlineData("""{"model":"iris"}""", "tsv", "the field 'versions' is missing")]
    [InlineData("""{"model":"iris","versions":[{"version":"1","window":{"start":"2026-01-01T00:00:00Z","end":"2026-01-01T01:00:00Z"}}]}""", "table", "the field 'datasetDrift' is missing")]
    [InlineData("""{"versions":[]}""", "table", "the field 'model' is missing")]
    public async Task A_report_without_a_field_names_the_field(string answer, string format, string expected)
    {
        using var gateway = StandInGateway.Start(HttpStatusCode.OK, answer);

        var run = await WideCliRun.OfWidth(CliOutput.RedirectedWidth, "drift", "iris", "--url", gateway.Url, "--output", format);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"error: the gateway's answer is not a drift report: {expected}", run.Messages.TrimEnd());
    }

    // The same words as the admin commands, the address once: "the gateway at <url> ...", not a .NET message, nor one
    // prefixed with the address again.
    [Fact]
    public async Task An_answer_broken_off_says_so_with_the_gateways_address_once()
    {
        using var gateway = SilentGateway.Start("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"model\":", close: true);

        var run = await WideCliRun.OfWidth(CliOutput.RedirectedWidth, "drift", "iris", "--url", gateway.Url);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith($"error: the gateway at {gateway.Url} broke off its answer: ", run.Messages, StringComparison.Ordinal);
        Assert.Equal(run.Messages.IndexOf(gateway.Url, StringComparison.Ordinal), run.Messages.LastIndexOf(gateway.Url, StringComparison.Ordinal));
    }
}
