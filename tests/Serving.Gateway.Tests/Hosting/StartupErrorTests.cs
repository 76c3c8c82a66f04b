using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Serving.Gateway.Tests.Hosting;

/// <summary>
/// The built gateway, started as an operator starts it, with one thing wrong: it must stop with one line that names
/// the key (or address), the value and what is allowed, and a non-zero exit code, never a stack trace.
/// </summary>
public sealed class StartupErrorTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("--Serving:Models:iris:Policy=autostable", "Serving:Models:iris:Policy is 'autostable'; use auto-stable, auto-canary or manual")]
    [InlineData("--Serving:Models:iris:Batching:MaxQueueDelayMicroseconds=-5", "Serving:Models:iris:Batching:MaxQueueDelayMicroseconds is '-5'; use a whole number from 0 to 1000000")]
    [InlineData("--Serving:Registry:SettleSeconds=-1", "Serving:Registry:SettleSeconds is '-1'; use a number from 0 to 3600")]
    [InlineData("--Serving:Registry:SettleSeconds=abc", "Serving:Registry:SettleSeconds is 'abc'; use a number")]
    [InlineData("--Serving:Limits:MaxRowsPerRequest=0", "Serving:Limits:MaxRowsPerRequest is '0'; use a whole number from 1 to 100000000")]
    [InlineData("--Serving:Limits:MaxIdLength=0", "Serving:Limits:MaxIdLength is '0'; use a whole number from 1 to 1024")]
    [InlineData("--Serving:Limits:MaxNameLength=5000", "Serving:Limits:MaxNameLength is '5000'; use a whole number from 1 to 4096")]
    [InlineData("--Serving:Limits:MaxStatusMessageLength=64", "Serving:Limits:MaxStatusMessageLength is '64'; use a whole number from 128 to 16384")]
    [InlineData("--Serving:Runtimes:Onnx:ExecutionMode=Fast", "Serving:Runtimes:Onnx:ExecutionMode is 'Fast'; use one of Sequential, Parallel")]
    [InlineData("--Serving:Monitoring:PredictionLog:MaxFileBytes=5", "Serving:Monitoring:PredictionLog:MaxFileBytes is '5'; use a whole number of at least 1024")]
    [InlineData("--Serving:Monitoring:PredictionLog:MaxOpenFiles=0", "Serving:Monitoring:PredictionLog:MaxOpenFiles is '0'; use a whole number from 1 to 10000")]
    [InlineData("--Serving:Monitoring:WindowRows=many", "Serving:Monitoring:WindowRows is 'many'; use a whole number")]
    [InlineData("--Serving:Rollouts:MinSuccessRate=1.5", "Serving:Rollouts:MinSuccessRate is '1.5'; use a share from 0 to 1")]
    [InlineData("--Serving:Monitoring:Drift:KsPValue=0", "Serving:Monitoring:Drift:KsPValue is '0'; use a number above 0 and at most 1")]
    [InlineData("--Serving:Models:wine:Source=mlflow --Serving:Mlflow:TrackingUri=ftp://mlflow --Serving:Mlflow:PollSeconds=5", "Serving:Mlflow:TrackingUri is 'ftp://mlflow'; use the absolute http or https URL of the MLflow tracking server")]
    [InlineData("--Serving:Models:wine:Source=mlflow --Serving:Mlflow:TrackingUri=http://mlflow --Serving:Mlflow:MaxVersionMegabytes=0", "Serving:Mlflow:MaxVersionMegabytes is '0'; use a whole number from 1 to 1048576")]
    [InlineData("--Serving:Models:wine:Source=mlflow --Serving:Mlflow:TrackingUri=http://mlflow --Serving:Mlflow:MaxArtifactEntries=0", "Serving:Mlflow:MaxArtifactEntries is '0'; use a whole number from 1 to 1000000")]
    [InlineData("--Serving:Retraining:Schedules:iris=daily", "Serving:Retraining:Schedules:iris is 'daily'; use five cron fields (minute hour day-of-month month day-of-week), such as '0 3 * * 1' for Mondays at 03:00; it has 1")]
    [InlineData("--Serving:Admin:ApiKey=s3cret --Serving:Admin:ReadOnlyApiKey=s3cret", "Serving:Admin:ApiKey and Serving:Admin:ReadOnlyApiKey are the same key; use two different keys, or only one of them")]
    [InlineData("--Serving:Webhooks:Subscriptions:0:Url=http://127.0.0.1:9/hook --Serving:Webhooks:Subscriptions:0:Secret=whsec_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA= --Serving:Webhooks:Subscriptions:0:Events:0=drift.detect", "Serving:Webhooks:Subscriptions:0:Events:0 'drift.detect' is not an event type; known: drift.detected, performance.degraded, rollout.promoted, rollout.rolled_back, version.published, version.failed, retrain.scheduled")]
    [InlineData("--Serving:Webhooks:Subscriptions:0:Url=http://127.0.0.1:9/hook", "Serving:Webhooks:Subscriptions:0:Secret is required: a whsec_ secret the receiver verifies signatures with (generate one with `openssl rand -base64 32` and prefix whsec_)")]
    public async Task A_bad_setting_ends_start_up_with_one_line_and_exit_code_2(string settings, string expected)
    {
        var run = await RunGatewayAsync([.. settings.Split(' '), $"--Kestrel:Endpoints:Http:Url=http://127.0.0.1:{FreePorts.Next()}"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal([$"error: {expected}"], run.ErrorLines);
        run.AssertNoTraceOrFailureLog();
    }

    [Fact]
    public async Task A_port_in_use_ends_start_up_with_one_line_naming_the_address_and_exit_code_3()
    {
        var port = FreePorts.Next();
        using var occupant = new TcpListener(IPAddress.Loopback, port);
        occupant.Start();

        var run = await RunGatewayAsync($"--Kestrel:Endpoints:Http:Url=http://127.0.0.1:{port}");

        Assert.Equal(3, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith($"error: cannot listen on http://127.0.0.1:{port}: Address already in use;", line, StringComparison.Ordinal);
        run.AssertNoTraceOrFailureLog();
    }

    /// <summary>Runs the gateway built beside the tests in an empty folder that has an (empty) registry, on free ports unless told otherwise.</summary>
    private static async Task<GatewayRun> RunGatewayAsync(params string[] args)
    {
        var folder = Directory.CreateTempSubdirectory("gateway-start-").FullName;
        Directory.CreateDirectory(Path.Combine(folder, "models"));
        try
        {
            var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
            {
                WorkingDirectory = folder,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Serving.Gateway.dll"));
            start.ArgumentList.Add($"--Kestrel:Endpoints:Grpc:Url=http://127.0.0.1:{FreePorts.Next()}");
            foreach (var arg in args)
            {
                start.ArgumentList.Add(arg);
            }

            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync(Cancel);
            var error = process.StandardError.ReadToEndAsync(Cancel);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
            timeout.CancelAfter(TimeSpan.FromSeconds(90));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"the gateway did not stop within 90 s; it said:\n{await output}{await error}");
            }

            return new GatewayRun(process.ExitCode, await output, await error);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private sealed record GatewayRun(int ExitCode, string Output, string Error)
    {
        public IReadOnlyList<string> ErrorLines =>
            [.. Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

        public void AssertNoTraceOrFailureLog()
        {
            var all = Output + Error;
            Assert.False(all.Contains("   at ", StringComparison.Ordinal), $"a stack trace was printed:\n{all}");
            Assert.False(all.Contains("Unhandled exception", StringComparison.Ordinal), $"the gateway crashed:\n{all}");
            Assert.False(Output.Contains("fail:", StringComparison.Ordinal) || Output.Contains("crit:", StringComparison.Ordinal), $"an error was logged too:\n{Output}");
        }
    }
}
