using System.Net;
using System.Text;
using System.Text.Json;
using Serving.Cli.Tests.Commands;

namespace Serving.Cli.Tests.Admin;

/// <summary>The admin commands end to end against the real gateway.</summary>
public sealed class AdminCommandsTests
{
    [Fact]
    public async Task Models_list_shows_every_model_with_its_deployment_and_versions()
    {
        await using var host = await CliGatewayHost.StartAsync(versions: 2);

        var run = await host.RunAsync(CliGatewayHost.ReadKey, "models", "list");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("iris", run.Messages, StringComparison.Ordinal);
        Assert.Contains("stable 2, canary none, shadow none", run.Messages, StringComparison.Ordinal);
        Assert.Contains("1:ready, 2:ready", run.Messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Models_list_with_json_prints_the_servers_answer_to_standard_output()
    {
        await using var host = await CliGatewayHost.StartAsync(versions: 1);

        var run = await host.RunAsync(CliGatewayHost.ReadKey, "models", "list", "--json");

        Assert.Equal(0, run.ExitCode);
        var models = JsonDocument.Parse(run.Result).RootElement;
        Assert.Equal("iris", models[0].GetProperty("name").GetString());
        Assert.Equal(1, models[0].GetProperty("deployment").GetProperty("stable").GetInt32());
    }

    [Fact]
    public async Task Models_show_prints_the_policy_deployment_and_each_versions_state()
    {
        await using var host = await CliGatewayHost.StartAsync(versions: 2);
        await host.RunAsync(CliGatewayHost.FullKey, "versions", "unload", "iris", "1");

        var run = await host.RunAsync(CliGatewayHost.ReadKey, "models", "show", "iris");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("policy auto-stable", run.Messages, StringComparison.Ordinal);
        Assert.Contains("deployment: stable 2, canary none, shadow none", run.Messages, StringComparison.Ordinal);
        Assert.Matches(@"1\s*│\s*unloaded", run.Messages);
        Assert.Contains("unloaded by admin", run.Messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Models_show_prints_each_versions_mlflow_run_data_version_parent_event_and_verdict()
    {
        await using var host = await CliGatewayHost.StartAsync(versions: 2, prepare: registry => RetrainedLineage.WriteInto(Path.Combine(registry, "iris", "2")));

        var run = await host.RunAsync(CliGatewayHost.ReadKey, "models", "show", "iris");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains(RetrainedLineage.RunId, run.Messages, StringComparison.Ordinal);
        Assert.Contains($"md5 {RetrainedLineage.DataMd5}", run.Messages, StringComparison.Ordinal);
        Assert.Contains($"{RetrainedLineage.DataPath} ({RetrainedLineage.DataPath}.dvc)", run.Messages, StringComparison.Ordinal);
        Assert.Contains("drift.detected evt-drift-1", run.Messages, StringComparison.Ordinal);
        Assert.Contains("passed (accuracy 0.9600 vs stable 0.9000)", run.Messages, StringComparison.Ordinal);
        Assert.Matches(@"2\s*│[^\n]*│\s*1\s*│\s*drift\.detected", run.Messages);
    }

    [Fact]
    public async Task Models_show_as_tsv_carries_the_lineage_columns()
    {
        await using var host = await CliGatewayHost.StartAsync(versions: 2, prepare: registry => RetrainedLineage.WriteInto(Path.Combine(registry, "iris", "2")));

        var run = await host.RunAsync(CliGatewayHost.ReadKey, "models", "show", "iris", "-o", "tsv");

        Assert.Equal(0, run.ExitCode);
        var cells = run.Result.TrimEnd().Split('\n')[2].Split('\t');
        Assert.Equal([RetrainedLineage.RunId, "-", RetrainedLineage.DataMd5, "8", RetrainedLineage.DataPath, RetrainedLineage.DataPath + ".dvc", "1", "drift.detected", "evt-drift-1", "passed"], cells[5..]);
    }

    [Fact]
    public async Task Deploy_sets_stable_canary_weight_and_shadow_on_the_gateway()
    {
        await using var host = await CliGatewayHost.StartAsync(versions: 4);

        var run = await host.RunAsync(CliGatewayHost.FullKey, "deploy", "iris", "--stable", "1", "--canary", "2", "--weight", "20", "--shadow", "3");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("iris: stable 1, canary 2 at 20%, shadow 3", run.Messages, StringComparison.Ordinal);
        var spec = host.Deployment("iris");
        Assert.Equal((1, 2, 20, 3), (spec.Stable, spec.Canary, spec.CanaryWeight, spec.Shadow));
    }

    [Fact]
    public async Task Deploy_that_the_gateway_refuses_prints_its_message_and_exits_1()
    {
        await using var host = await CliGatewayHost.StartAsync(versions: 2);

        var run = await host.RunAsync(CliGatewayHost.FullKey, "deploy", "iris", "--stable", "1", "--canary", "2", "--weight", "150");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("canaryWeight must be between 0 and 100, not 150 (HTTP 400)", run.Messages, StringComparison.Ordinal);
        Assert.Equal(2, host.Deployment("iris").Stable);
    }

    [Fact]
    public async Task Promote_makes_the_canary_stable()
    {
        await using var host = await CliGatewayHost.StartAsync(versions: 2);
        await host.RunAsync(CliGatewayHost.FullKey, "deploy", "iris", "--stable", "2", "--canary", "1", "--weight", "10");

        var run = await host.RunAsync(CliGatewayHost.FullKey, "promote", "iris");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("iris: stable 1, canary none, shadow none", run.Messages, StringComparison.Ordinal);
        Assert.Equal((1, (int?)null), (host.Deployment("iris").Stable, host.Deployment("iris").Canary));
    }

    [Fact]
    public async Task Rollback_removes_the_canary_and_with_nothing_to_undo_exits_1_with_the_reason()
    {
        await using var host = await CliGatewayHost.StartAsync(versions: 2);
        await host.RunAsync(CliGatewayHost.FullKey, "deploy", "iris", "--stable", "2", "--canary", "1", "--weight", "10");

        var first = await host.RunAsync(CliGatewayHost.FullKey, "rollback", "iris");
        var spec = host.Deployment("iris");

        Assert.Equal(0, first.ExitCode);
        Assert.Equal((2, (int?)null), (spec.Stable, spec.Canary));

        await using var fresh = await CliGatewayHost.StartAsync(versions: 1);
        var nothing = await fresh.RunAsync(CliGatewayHost.FullKey, "rollback", "iris");
        Assert.Equal(1, nothing.ExitCode);
        Assert.Contains("has no canary and no previous stable version to roll back to (HTTP 409)", nothing.Messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_change_with_the_read_only_key_exits_1_with_the_servers_403_message()
    {
        await using var host = await CliGatewayHost.StartAsync(versions: 2);

        var run = await host.RunAsync(CliGatewayHost.ReadKey, "promote", "iris");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("this key may only read; changes need the full admin key (HTTP 403)", run.Messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_key_exits_1_without_printing_the_key()
    {
        await using var host = await CliGatewayHost.StartAsync(versions: 1);

        var run = await host.RunAsync("wrong-cli-key", "models", "list");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("the admin key is not valid (HTTP 401)", run.Messages, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-cli-key", run.Messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Versions_unload_and_load_change_the_versions_state()
    {
        await using var host = await CliGatewayHost.StartAsync(versions: 2);

        var unload = await host.RunAsync(CliGatewayHost.FullKey, "versions", "unload", "iris", "1");
        var load = await host.RunAsync(CliGatewayHost.FullKey, "versions", "load", "iris", "1");
        var deployed = await host.RunAsync(CliGatewayHost.FullKey, "versions", "unload", "iris", "2");

        Assert.Equal(0, unload.ExitCode);
        Assert.Contains("iris version 1: unloaded", unload.Messages, StringComparison.Ordinal);
        Assert.Equal(0, load.ExitCode);
        Assert.Contains("iris version 1: ready", load.Messages, StringComparison.Ordinal);
        Assert.Equal(1, deployed.ExitCode);
        Assert.Contains("is part of its deployment", deployed.Messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_gateway_exits_1_and_names_the_address()
    {
        var run = await WideCliRun.Of("models", "list", "--url", "http://127.0.0.1:1");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("cannot reach the gateway at http://127.0.0.1:1/", run.Messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_key_the_error_says_how_to_give_one()
    {
        await using var host = await CliGatewayHost.StartAsync(versions: 1);

        var run = await host.RunAsync(null, "models", "list");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("(HTTP 401)", run.Messages, StringComparison.Ordinal);
        Assert.Contains("--api-key <key>", run.Messages, StringComparison.Ordinal);
        Assert.Contains("SERVING_API_KEY", run.Messages, StringComparison.Ordinal);
        Assert.DoesNotContain("Authorization: Bearer", run.Messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Models_list_as_tsv_prints_a_header_and_one_plain_row_per_model_to_standard_output()
    {
        await using var host = await CliGatewayHost.StartAsync(versions: 3);
        await host.RunAsync(CliGatewayHost.FullKey, "deploy", "iris", "--stable", "1", "--canary", "2", "--weight", "20", "--shadow", "3");

        var run = await host.RunAsync(CliGatewayHost.ReadKey, "models", "list", "--output", "tsv");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(
            ["model\tpolicy\tstable\tcanary\tcanary_weight\tshadow\trollout\trollout_weight\tversions", "iris\tauto-stable\t1\t2\t20\t3\t-\t-\t1:ready,2:ready,3:ready"],
            run.Result.TrimEnd().Split('\n'));
        Assert.Equal(string.Empty, run.Messages);
    }

    [Fact]
    public async Task Models_show_as_tsv_prints_one_row_per_version_with_its_reason()
    {
        await using var host = await CliGatewayHost.StartAsync(versions: 2);
        await host.RunAsync(CliGatewayHost.FullKey, "versions", "unload", "iris", "1");

        var run = await host.RunAsync(CliGatewayHost.ReadKey, "models", "show", "iris", "-o", "tsv");

        Assert.Equal(0, run.ExitCode);
        var lines = run.Result.TrimEnd().Split('\n');
        Assert.Equal("model\tversion\tstate\tsince\treason\tmlflow_run_id\tmlflow_run_url\tdata_md5\tdata_size\tdata_path\tdvc_file\tparent_version\tevent_type\tevent_id\tverdict", lines[0]);
        Assert.Matches(@"^iris\t1\tunloaded\t\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\t[^\t]*unloaded by admin[^\t]*(\t-){10}$", lines[1]);
        Assert.Matches(@"^iris\t2\tready\t[^\t]+\t[^\t]+\t-\t-\t-\t-\tiris\.csv(\t-){5}$", lines[2]);
        Assert.Equal(3, lines.Length);
    }

    [Fact]
    public async Task Deploy_and_versions_as_tsv_print_the_new_state_as_a_row()
    {
        await using var host = await CliGatewayHost.StartAsync(versions: 2);

        var deploy = await host.RunAsync(CliGatewayHost.FullKey, "deploy", "iris", "--stable", "2", "--output", "tsv");
        var unload = await host.RunAsync(CliGatewayHost.FullKey, "versions", "unload", "iris", "1", "--output", "tsv");

        Assert.Equal((0, "model\tstable\tcanary\tcanary_weight\tshadow\niris\t2\t-\t0\t-"), (deploy.ExitCode, deploy.Result.TrimEnd().ReplaceLineEndings("\n")));
        Assert.Equal(0, unload.ExitCode);
        Assert.StartsWith("model\tversion\tstate\tsince\treason\niris\t1\tunloaded\t", unload.Result.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Output_json_is_the_servers_answer_like_json()
    {
        await using var host = await CliGatewayHost.StartAsync(versions: 1);

        var output = await host.RunAsync(CliGatewayHost.ReadKey, "models", "list", "--output", "json");
        var json = await host.RunAsync(CliGatewayHost.ReadKey, "models", "list", "--json");

        Assert.Equal(0, output.ExitCode);
        Assert.Equal(json.Result, output.Result);
        Assert.Equal("iris", JsonDocument.Parse(output.Result).RootElement[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task An_unknown_output_format_is_a_usage_error()
    {
        var run = await WideCliRun.Of("models", "list", "--output", "yaml", "--url", "http://127.0.0.1:1");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("yaml", run.Messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_change_the_gateway_could_not_save_is_shown_with_a_warning_that_names_the_reason()
    {
        const string deployment = """{"stable":2,"canary":null,"canaryWeight":0,"shadow":null}""";
        using var unsaved = StandInGateway.Start(HttpStatusCode.OK, deployment,
            headers: new Dictionary<string, string> { ["Serving-State-Unsaved"] = "/data/deployments.json: No space left on device" });
        using var saved = StandInGateway.Start(HttpStatusCode.OK, deployment);

        var warned = await WideCliRun.Of("deploy", "iris", "--stable", "2", "--url", unsaved.Url, "--api-key", "k");
        var quiet = await WideCliRun.Of("deploy", "iris", "--stable", "2", "--url", saved.Url, "--api-key", "k");

        Assert.Equal(0, warned.ExitCode);
        Assert.Equal(quiet.Result, warned.Result);
        Assert.Contains("stable 2", warned.Result + warned.Messages, StringComparison.Ordinal);
        Assert.Contains("warning: the change is in effect but the gateway could not save it (/data/deployments.json: No space left on device)", warned.Messages, StringComparison.Ordinal);
        Assert.Contains("lost when the gateway restarts", warned.Messages, StringComparison.Ordinal);
        Assert.Equal(0, quiet.ExitCode);
        Assert.DoesNotContain("warning", quiet.Messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deployment_answer_without_its_fields_is_an_error_not_a_made_up_deployment()
    {
        using var gateway = StandInGateway.Start(HttpStatusCode.OK, "{}");

        var run = await WideCliRun.Of("deploy", "iris", "--stable", "1", "--url", gateway.Url, "--api-key", "k");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(string.Empty, run.Result);
        Assert.Contains("not what the admin API returns", run.Messages, StringComparison.Ordinal);
        Assert.DoesNotContain("stable 0", run.Messages, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[{}]", "table")]
    [InlineData("[null]", "table")]
    [InlineData("[null]", "tsv")]
    [InlineData("""[{"name":null,"policy":"auto-stable","deployment":null,"rollout":null,"versions":null}]""", "tsv")]
    [InlineData("""{"name":"iris"}""", "table")]
    public async Task A_models_list_of_the_wrong_shape_is_one_error_line_without_a_stack_trace(string answer, string format)
    {
        using var gateway = StandInGateway.Start(HttpStatusCode.OK, answer);

        var run = await WideCliRun.OfWidth(CliOutput.RedirectedWidth, "models", "list", "--output", format, "--url", gateway.Url, "--api-key", "k");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(string.Empty, run.Result);
        Assert.StartsWith("error: the gateway's answer is not what the admin API returns", run.Messages, StringComparison.Ordinal);
        Assert.Single(run.Messages.TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task A_huge_html_error_page_is_cut_to_one_short_line_without_its_escapes()
    {
        var page = new StringBuilder("<html><body>\u001b[31m");
        for (var i = 0; i < 100_000; i++)
        {
            page.Append("<p>bad gateway</p>\n");
        }

        using var gateway = StandInGateway.Start(HttpStatusCode.BadGateway, page.ToString(), "text/html");

        var run = await WideCliRun.OfWidth(CliOutput.RedirectedWidth, "models", "list", "--url", gateway.Url, "--api-key", "k");

        Assert.Equal(1, run.ExitCode);
        Assert.Single(run.Messages.TrimEnd().Split('\n'));
        Assert.InRange(run.Messages.Length, 1, 800);
        Assert.DoesNotContain('\u001b', run.Messages);
        Assert.Contains("more characters", run.Messages, StringComparison.Ordinal);
        Assert.Contains("(HTTP 502)", run.Messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_redirect_that_leads_nowhere_says_so()
    {
        // A 302 without a Location: the client cannot follow it, as with a loop once its hops run out.
        using var gateway = StandInGateway.Start(HttpStatusCode.Found, string.Empty, "text/html");

        var run = await WideCliRun.OfWidth(CliOutput.RedirectedWidth, "models", "list", "--url", gateway.Url, "--api-key", "k");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("answered with a redirect (HTTP 302) that did not lead to an answer", run.Messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_port_that_does_not_speak_http_is_told_apart_from_one_that_is_not_there()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var cancellation = TestContext.Current.CancellationToken;
        _ = Task.Run(
            async () =>
            {
                // Something else on the port (here: an SSH banner), not an HTTP server.
                using var client = await listener.AcceptTcpClientAsync(cancellation);
                var stream = client.GetStream();
                await stream.WriteAsync("SSH-2.0-not-http\r\n"u8.ToArray(), cancellation);
                await Task.Delay(200, cancellation);
            },
            cancellation);

        var run = await WideCliRun.OfWidth(CliOutput.RedirectedWidth, "models", "list", "--url", $"http://127.0.0.1:{port}", "--api-key", "k");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("did not answer in HTTP the CLI can read", run.Messages, StringComparison.Ordinal);
    }
}
