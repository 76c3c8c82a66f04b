using Serving.Core.Rollouts;

namespace Serving.Cli.Tests.Admin;

/// <summary>The rollout commands against the real gateway, with a scripted controller behind it.</summary>
public sealed class RolloutCommandTests
{
    private static RolloutStatus Status(string state, int stepIndex, params RolloutDecision[] decisions) => new()
    {
        Model = "iris",
        Stable = 1,
        Canary = 2,
        Steps = [5, 10, 25, 50],
        StepIndex = stepIndex,
        Weight = new[] { 5, 10, 25, 50 }[stepIndex],
        State = state,
        Failures = 0,
        FailureLimit = 2,
        IntervalSeconds = 60,
        Decisions = [new RolloutDecision { Outcome = "started", Weight = 5 }, .. decisions],
    };

    private static RolloutDecision Passed(int weight, long canaryRequests) => new()
    {
        Outcome = "passed",
        Weight = weight,
        Figures = new RolloutFigures { StableRequests = 900, CanaryRequests = canaryRequests, StableErrorRate = 0.001, CanaryErrorRate = 0.002, StableP99Ms = 1.5, CanaryP99Ms = 1.75, PredictionPsi = 0.013 },
    };

    [Fact]
    public async Task Start_sends_the_canary_steps_and_interval()
    {
        var controller = new ScriptedRolloutController(Status("running", 0));
        await using var host = await CliGatewayHost.StartAsync(versions: 2, controller);

        var run = await host.RunAsync(CliGatewayHost.FullKey, "rollout", "start", "iris", "--canary", "2", "--steps", "10, 50", "--interval", "30");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["start iris canary 2 steps 10,50 interval 30 by admin"], controller.Calls);
        Assert.Contains("canary 2 against stable 1", run.Messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_with_steps_that_are_not_numbers_is_a_usage_error_before_calling_the_gateway()
    {
        var controller = new ScriptedRolloutController(Status("running", 0));
        await using var host = await CliGatewayHost.StartAsync(versions: 2, controller);

        var run = await host.RunAsync(CliGatewayHost.FullKey, "rollout", "start", "iris", "--canary", "2", "--steps", "5,ten");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("'ten' is not one", run.Messages, StringComparison.Ordinal);
        Assert.Empty(controller.Calls);
    }

    [Fact]
    public async Task Status_shows_the_steps_and_the_latest_gate_figures()
    {
        var controller = new ScriptedRolloutController(Status("running", 1, Passed(5, 48)));
        await using var host = await CliGatewayHost.StartAsync(versions: 2, controller);

        var run = await host.RunAsync(CliGatewayHost.ReadKey, "rollout", "status", "iris");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("steps: 5% → 10% → 25% → 50% → promote", run.Messages, StringComparison.Ordinal);
        Assert.Matches(@"requests\s*│\s*900\s*│\s*48", run.Messages);
        Assert.Matches(@"p99 latency\s*│\s*1\.5 ms\s*│\s*1\.75 ms", run.Messages);
        Assert.Matches(@"error rate\s*│\s*0\.1%\s*│\s*0\.2%", run.Messages);
    }

    [Fact]
    public async Task Status_watch_follows_the_rollout_until_it_ends()
    {
        var controller = new ScriptedRolloutController(
            Status("running", 0),
            Status("running", 1, Passed(5, 40)),
            Status("waiting", 1, Passed(5, 40), new RolloutDecision { Outcome = "waiting", Weight = 10, Reasons = ["canary served 3 requests, needs 50"] }),
            Status("promoted", 3, Passed(5, 40), new RolloutDecision { Outcome = "promoted", Weight = 50 }));
        await using var host = await CliGatewayHost.StartAsync(versions: 2, controller);

        var run = await host.RunAsync(CliGatewayHost.ReadKey, "rollout", "status", "iris", "--watch", "--poll-seconds", "0.05");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("canary served 3 requests, needs 50", run.Messages, StringComparison.Ordinal);
        Assert.Contains("rollout of iris ended: promoted", run.Messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_watch_as_tsv_prints_the_header_once_and_a_row_per_change()
    {
        var controller = new ScriptedRolloutController(
            Status("running", 0),
            Status("running", 0),
            Status("running", 1, Passed(5, 40)),
            Status("promoted", 3, Passed(5, 40), new RolloutDecision { Outcome = "promoted", Weight = 50 }));
        await using var host = await CliGatewayHost.StartAsync(versions: 2, controller);

        var run = await host.RunAsync(CliGatewayHost.ReadKey, "rollout", "status", "iris", "--watch", "--poll-seconds", "0.05", "--output", "tsv");

        Assert.Equal(0, run.ExitCode);
        var lines = run.Result.TrimEnd().Split('\n');
        Assert.Equal("model\tstable\tcanary\tstate\tweight\tsteps\tfailures\tfailure_limit\tinterval_seconds\tstarted_at\tlast_outcome", lines[0]);
        Assert.Equal(
            ["iris\t1\t2\trunning\t5\t5,10,25,50\t0\t2\t60", "iris\t1\t2\trunning\t10\t5,10,25,50\t0\t2\t60", "iris\t1\t2\tpromoted\t50\t5,10,25,50\t0\t2\t60"],
            lines[1..].Select(line => string.Join('\t', line.Split('\t')[..9])));
        Assert.Equal(["started", "passed", "promoted"], lines[1..].Select(line => line.Split('\t')[^1]));
        Assert.Contains("rollout of iris ended: promoted", run.Messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_watch_stops_at_its_time_limit_while_the_rollout_goes_on()
    {
        var controller = new ScriptedRolloutController(Status("running", 0));
        await using var host = await CliGatewayHost.StartAsync(versions: 2, controller);

        var run = await host.RunAsync(CliGatewayHost.ReadKey, "rollout", "status", "iris", "--watch", "--poll-seconds", "0.05", "--max-minutes", "0.005");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("stopped watching after", run.Messages, StringComparison.Ordinal);
    }

    // In minutes alone, --max-minutes 0.01 ended with "stopped watching after 0 min".
    [Fact]
    public async Task Status_watch_names_a_limit_below_a_minute_in_seconds()
    {
        var controller = new ScriptedRolloutController(Status("running", 0));
        await using var host = await CliGatewayHost.StartAsync(versions: 2, controller);

        var run = await host.RunAsync(CliGatewayHost.ReadKey, "rollout", "status", "iris", "--watch", "--poll-seconds", "0.05", "--max-minutes", "0.005");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("stopped watching after 0.3 s; the rollout goes on", run.Messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pause_reaches_the_controller_and_a_refused_abort_exits_1_with_its_reason()
    {
        var controller = new ScriptedRolloutController(Status("paused", 0));
        await using var host = await CliGatewayHost.StartAsync(versions: 2, controller);

        var pause = await host.RunAsync(CliGatewayHost.FullKey, "rollout", "pause", "iris");
        var abort = await host.RunAsync(CliGatewayHost.FullKey, "rollout", "abort", "iris");

        Assert.Equal(0, pause.ExitCode);
        Assert.Equal(["pause iris by admin"], controller.Calls);
        Assert.Equal(1, abort.ExitCode);
        Assert.Contains("model 'iris' has no rollout (HTTP 404)", abort.Messages, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("status", "iris", "--watch", "--poll-seconds", "NaN")]
    [InlineData("status", "iris", "--watch", "--max-minutes", "Infinity")]
    [InlineData("status", "iris", "--watch", "--max-minutes", "1e300")]
    [InlineData("start", "iris", "--canary", "2", "--interval", "NaN")]
    [InlineData("start", "iris", "--canary", "2", "--steps", "5,,x")]
    [InlineData("start", "iris", "--canary", "2", "--steps", "99999999999")]
    public async Task An_out_of_range_number_is_a_usage_error_before_any_request(params string[] args)
    {
        var run = await WideCliRun.Of(["rollout", .. args, "--url", "http://127.0.0.1:1/"]);

        Assert.Equal(2, run.ExitCode);
        Assert.DoesNotContain("cannot reach the gateway", run.Messages, StringComparison.Ordinal);
    }
}
