using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Serving.Core.Registry.Mlflow;

namespace Serving.Core.Tests.Registry.Mlflow;

/// <summary>
/// A tracking server that sends too much (an endless file, folders nested without end, a huge listing) or too little
/// (a file shorter than its listing says): the version is refused as <see cref="MlflowErrorKind.Invalid"/>, within
/// the limits and well before the time limit.
/// </summary>
public sealed class MlflowDownloadLimitsTests
{
    private static readonly MlflowDownloadLimits Small = new() { MaxVersionBytes = 1024 * 1024, MaxEntries = 50, MaxAnswerBytes = 64 * 1024 };

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Folders_nested_without_end_stop_at_the_entry_limit()
    {
        await using var harness = await MlflowSourceHarness.StartAsync();
        harness.Server.Answer = context => MlflowHostileListingTests.ListingAsync(context, """{"files":[{"path":"d","is_dir":true}]}""");

        var error = await DownloadAsync(harness);

        Assert.Contains("more than 50 files and folders", error.Message, StringComparison.Ordinal);
        Assert.InRange(harness.Server.Requests.Count, 50, 52);
    }

    [Fact]
    public async Task An_endless_file_stops_at_the_byte_limit_long_before_the_time_limit()
    {
        await using var harness = await MlflowSourceHarness.StartAsync();
        harness.Server.Answer = context => context.Request.Path == "/api/2.0/mlflow-artifacts/artifacts"
            ? MlflowHostileListingTests.ListingAsync(context, """{"files":[{"path":"model.onnx","is_dir":false}]}""")
            : EndlessAsync(context);
        var watch = Stopwatch.StartNew();

        var error = await DownloadAsync(harness);

        Assert.Contains("past 1048576 bytes", error.Message, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(4), $"took {watch.Elapsed}");
        Assert.True(new FileInfo(Path.Combine(harness.Root, "download", "model.onnx")).Length <= 1024 * 1024);
    }

    [Fact]
    public async Task A_file_listed_bigger_than_the_limit_is_not_downloaded()
    {
        await using var harness = await MlflowSourceHarness.StartAsync();
        harness.Server.Answer = context => MlflowHostileListingTests.ListingAsync(context, """{"files":[{"path":"model.onnx","is_dir":false,"file_size":99999999999}]}""");

        var error = await DownloadAsync(harness);

        Assert.Contains("past 1048576 bytes", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(harness.Server.Requests, r => r.Contains("model.onnx", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_file_shorter_than_its_listed_size_fails_the_download_to_be_tried_again()
    {
        await using var harness = await MlflowSourceHarness.StartAsync();
        harness.Server.Answer = context => MlflowHostileListingTests.ListingAsync(context, """{"files":[{"path":"model.onnx","is_dir":false,"file_size":100}]}""");

        var error = await DownloadAsync(harness, MlflowErrorKind.Unreachable);

        Assert.Contains("sent 1 bytes, but the artifact listing says the file has 100", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_longer_than_its_listed_size_refuses_the_version()
    {
        await using var harness = await MlflowSourceHarness.StartAsync();
        harness.Server.Answer = context => MlflowHostileListingTests.ListingAsync(context, """{"files":[{"path":"model.onnx","is_dir":false,"file_size":0}]}""");

        var error = await DownloadAsync(harness);

        Assert.Contains("sent 1 bytes, but the artifact listing says the file has 0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_listing_bigger_than_the_answer_limit_is_refused()
    {
        await using var harness = await MlflowSourceHarness.StartAsync();
        var many = string.Join(',', Enumerable.Range(0, 5000).Select(i => $$"""{"path":"f{{i}}","is_dir":false,"file_size":1}"""));
        harness.Server.Answer = context => MlflowHostileListingTests.ListingAsync(context, $$"""{"files":[{{many}}]}""");

        var error = await DownloadAsync(harness);

        Assert.Contains("more than 65536 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_slow_server_cannot_hold_a_version_download_past_the_download_time_limit()
    {
        await using var harness = await MlflowSourceHarness.StartAsync();

        // Each listing answers in time, but folders nest without end: only a limit on the whole download stops it.
        harness.Server.Answer = async context =>
        {
            await Task.Delay(100, context.RequestAborted);
            return await MlflowHostileListingTests.ListingAsync(context, """{"files":[{"path":"d","is_dir":true}]}""");
        };
        var client = new MlflowRegistryClient(
            MlflowRegistryClient.CreateHttpClient(new MlflowOptions { TrackingUri = harness.Server.Address.ToString() }),
            TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(1));
        var target = Path.Combine(harness.Root, "download");
        var watch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<MlflowRegistryException>(() => client.DownloadDirectoryAsync("mlflow-artifacts:/x", target, Token));

        Assert.Equal(MlflowErrorKind.Unreachable, error.Kind);
        Assert.Contains("did not finish within 1 s", error.Message, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }

    private static async Task<MlflowRegistryException> DownloadAsync(MlflowSourceHarness harness, MlflowErrorKind kind = MlflowErrorKind.Invalid)
    {
        var client = new MlflowRegistryClient(
            MlflowRegistryClient.CreateHttpClient(new MlflowOptions { TrackingUri = harness.Server.Address.ToString() }),
            TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(20), Small);
        var target = Path.Combine(harness.Root, "download");
        Directory.CreateDirectory(target);
        var error = await Assert.ThrowsAsync<MlflowRegistryException>(() => client.DownloadDirectoryAsync("mlflow-artifacts:/x", target, Token));
        Assert.Equal(kind, error.Kind);
        return error;
    }

    private static async Task<bool> EndlessAsync(HttpContext context)
    {
        context.Response.ContentType = "application/octet-stream";
        var chunk = new byte[16 * 1024];
        try
        {
            while (!context.RequestAborted.IsCancellationRequested)
            {
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The gateway hung up: what this test wants.
        }

        return true;
    }
}
