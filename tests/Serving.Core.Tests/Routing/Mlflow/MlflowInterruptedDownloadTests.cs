using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Serving.Core.Registry.Mlflow;
using Serving.Core.Tests.Registry.Mlflow;

namespace Serving.Core.Tests.Routing.Mlflow;

/// <summary>
/// A tracking server that dies in the middle of a download or trickles its answers: no half version is published or
/// left behind to be taken as whole later, the time limits hold, and the next poll that gets whole answers publishes it.
/// </summary>
public sealed class MlflowInterruptedDownloadTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_server_that_breaks_off_mid_file_publishes_nothing_and_the_next_poll_publishes_the_whole_version()
    {
        await using var harness = await MlflowSourceHarness.StartAsync();
        harness.AddBareVersion(1);
        harness.AddLoggedVersion(2);
        harness.Server.SetAlias(MlflowSourceHarness.Model, "champion", 1);
        Assert.True(await harness.Source.PollOnceAsync(Token), harness.State.LastError);
        harness.Server.SetAlias(MlflowSourceHarness.Model, "challenger", 2);
        harness.Server.Answer = async context =>
        {
            if (!context.Request.Path.Value!.EndsWith("/artifacts/model/model.onnx", StringComparison.Ordinal))
            {
                return false;
            }

            // Half the promised bytes, then the connection drops, as when the server process dies.
            context.Response.ContentLength = 1000;
            await context.Response.Body.WriteAsync(new byte[500]);
            await context.Response.Body.FlushAsync();
            context.Abort();
            return true;
        };

        Assert.False(await harness.Source.PollOnceAsync(Token));

        Assert.False(harness.State.Reachable);
        Assert.Contains("model.onnx", harness.State.LastError, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(harness.MlflowRoot, MlflowSourceHarness.Model, "2")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(harness.MlflowRoot, ".downloads", MlflowSourceHarness.Model)));
        Assert.Equal((1, (int?)null), (harness.Deployment!.Stable, harness.Deployment.Canary));
        Assert.False(harness.State.FailedVersions.ContainsKey(2));

        harness.Server.Answer = null;
        Assert.True(await harness.Source.PollOnceAsync(Token), harness.State.LastError);

        Assert.Equal((1, (int?)2), (harness.Deployment!.Stable, harness.Deployment.Canary));
        Assert.Equal(MlflowFixtures.Bytes("logistic.onnx"), File.ReadAllBytes(Path.Combine(harness.MlflowRoot, MlflowSourceHarness.Model, "2", "model.onnx")));
    }

    [Fact]
    public async Task A_trickled_answer_is_cut_off_at_the_request_time_limit()
    {
        await using var harness = await MlflowSourceHarness.StartAsync();
        harness.Server.Answer = async context =>
        {
            context.Response.ContentType = "application/json";
            try
            {
                for (var i = 0; i < 100 && !context.RequestAborted.IsCancellationRequested; i++)
                {
                    await context.Response.WriteAsync(" ", context.RequestAborted);
                    await context.Response.Body.FlushAsync(context.RequestAborted);
                    await Task.Delay(100, context.RequestAborted);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException)
            {
                // The gateway gave up: what this test wants.
            }

            return true;
        };
        var client = new MlflowRegistryClient(
            MlflowRegistryClient.CreateHttpClient(new MlflowOptions { TrackingUri = harness.Server.Address.ToString() }),
            TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(500));
        var watch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<MlflowRegistryException>(() => client.FindVersionByAliasAsync("m", "champion", Token));

        Assert.Equal(MlflowErrorKind.Unreachable, error.Kind);
        Assert.Contains("did not answer within 0.5 s", error.Message, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }
}
