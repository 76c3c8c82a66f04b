using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Serving.Core.Monitoring.Logging;
using Serving.Gateway.Tests.Hosting;

namespace Serving.Gateway.Tests.Monitoring;

/// <summary>
/// Requests naming models that do not exist, through the real host (in memory): they must leave nothing behind in
/// the prediction log (no folder, no open file), and must not stop it logging the requests that follow.
/// </summary>
public sealed class UnknownModelPredictionLogTests : IAsyncLifetime
{
    private const string IrisRow = """{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[5.1,3.5,1.4,0.2]}]}""";
    private readonly SampleRegistry _registry = new("iris");
    private WebApplicationFactory<Program> _host = null!;
    private HttpClient _rest = null!;

    private string LogPath => _registry.Path + "-predictions";

    private PredictionLogger Logger => (PredictionLogger)_host.Services.GetService(typeof(PredictionLogger))!;

    public async ValueTask InitializeAsync()
    {
        _host = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Testing");
            builder.UseSetting("Serving:Registry:Path", _registry.Path);
            builder.UseSetting("Serving:Monitoring:PredictionLog:Directory", LogPath);
            builder.UseSetting("Serving:DataPath", _registry.Path + "-data");

            // 20,000 requests: per-request information logs would cost more time than the requests themselves.
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
        });
        _rest = _host.CreateClient();
        await GatewayReadiness.WaitAsync(_host.Services);
    }

    public async ValueTask DisposeAsync()
    {
        _rest.Dispose();
        await _host.DisposeAsync();
        _registry.Dispose();
    }

    [Fact]
    public async Task Twenty_thousand_unknown_model_names_leave_open_files_and_log_folders_as_they_were()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await AssertLoggedAsync(await InferAsync("iris", cancellation), cancellation);
        var folders = Folders();
        var openUnderLog = OpenFiles.PathsUnder(LogPath).Count;
        var openInProcess = OpenFiles.Descriptors();

        var statuses = new int[20_000];
        await Parallel.ForEachAsync(Enumerable.Range(0, statuses.Length), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellation }, async (k, ct) =>
        {
            using var response = await _rest.PostAsync($"/v2/models/x{k}/infer", new StringContent(IrisRow, Encoding.UTF8, "application/json"), ct);
            statuses[k] = (int)response.StatusCode;
        });
        await Logger.FlushAsync(TimeSpan.FromSeconds(10));

        Assert.All(statuses, s => Assert.Equal((int)HttpStatusCode.NotFound, s));
        Assert.Equal(folders, Folders());
        Assert.True(OpenFiles.PathsUnder(LogPath).Count <= openUnderLog, $"{OpenFiles.PathsUnder(LogPath).Count} files open under the log folder, {openUnderLog} before");

        // Other tests run beside this one in the process, so its total moves a little; one descriptor per name would be 20,000.
        Assert.True(OpenFiles.Descriptors() < openInProcess + 500, $"{OpenFiles.Descriptors()} descriptors open, {openInProcess} before");
        await AssertLoggedAsync(await InferAsync("iris", cancellation), cancellation);
    }

    [Fact]
    public async Task A_300_character_unknown_model_name_does_not_stop_later_predictions_being_logged()
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var refused = await _rest.PostAsync($"/v2/models/{new string('y', 300)}/infer", new StringContent(IrisRow, Encoding.UTF8, "application/json"), cancellation);

        // Past Serving:Limits:MaxNameLength (256) it is refused before any lookup; logging must go on either way.
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        await AssertLoggedAsync(await InferAsync("iris", cancellation), cancellation);
        Assert.Equal(0, Logger.SinkFailures);
        Assert.Equal(["iris"], Folders());
    }

    private async Task<string> InferAsync(string model, CancellationToken cancellation)
    {
        using var response = await _rest.PostAsync($"/v2/models/{model}/infer", new StringContent(IrisRow, Encoding.UTF8, "application/json"), cancellation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.GetValues("X-Prediction-Id").Single();
    }

    private async Task AssertLoggedAsync(string id, CancellationToken cancellation)
    {
        await Logger.FlushAsync(TimeSpan.FromSeconds(10));
        var ids = new List<string?>();
        foreach (var file in Directory.GetFiles(Path.Combine(LogPath, "iris")))
        {
            // Shared read: the log keeps its file open for appending.
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            while (await reader.ReadLineAsync(cancellation) is { } line)
            {
                ids.Add(JsonDocument.Parse(line).RootElement.GetProperty("id").GetString());
            }
        }

        Assert.Contains(id, ids);
    }

    private List<string> Folders() =>
        Directory.Exists(LogPath) ? [.. new DirectoryInfo(LogPath).GetDirectories().Select(d => d.Name).Order(StringComparer.Ordinal)] : [];
}
