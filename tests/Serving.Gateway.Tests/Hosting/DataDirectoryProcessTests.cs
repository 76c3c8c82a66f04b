using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Runtime.Versioning;
using System.Text;
using System.Text.Json;
using Serving.Gateway.Tests.Rest.Admin;

namespace Serving.Gateway.Tests.Hosting;

/// <summary>
/// The built gateway run as a container runs it: a registry it cannot write (read-only for its user; when the
/// tests run as root, the gateway runs as <c>nobody</c>) and a separate data directory for what it writes.
/// </summary>
[UnsupportedOSPlatform("windows")] // Unix file modes: the project builds for linux-x64 only.
public sealed class DataDirectoryProcessTests : IDisposable
{
    private const string IrisRow = """{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[5.1,3.5,1.4,0.2]}]}""";

    private const UnixFileMode ReadOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
    private const UnixFileMode ReadOnlyFile = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private readonly SampleRegistry _registry = AdminRegistry.Iris(2);
    private readonly string _work = Directory.CreateTempSubdirectory("gateway-process-").FullName;

    public DataDirectoryProcessTests()
    {
        // Temporary folders are the creator's alone (0700): let the unprivileged gateway in to read.
        File.SetUnixFileMode(_work, ReadOnlyFolder);
        MakeReadOnly(_registry.Path);
    }

    public void Dispose()
    {
        MakeWritable(_registry.Path);
        _registry.Dispose();
        File.SetUnixFileMode(_work, ReadOnlyFolder | UnixFileMode.UserWrite);
        Directory.Delete(_work, recursive: true);
    }

    [Fact]
    public async Task With_a_read_only_registry_deployment_changes_survive_a_restart_and_predictions_are_logged_in_the_data_directory()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var data = WritableDataDirectory();
        var registryBefore = Listing(_registry.Path);

        await using (var first = await GatewayProcess.StartAsync(_work, _registry.Path, data))
        {
            using var client = first.CreateClient();
            using var put = await client.PutAsync("/admin/models/iris/deployment", Json("""{"stable":1}"""), cancellation);
            Assert.True(put.StatusCode == HttpStatusCode.OK, $"PUT answered {(int)put.StatusCode}: {await put.Content.ReadAsStringAsync(cancellation)}");
            Assert.False(put.Headers.Contains("Serving-State-Unsaved"));
            using var inference = await client.PostAsync("/v2/models/iris/infer", Json(IrisRow), cancellation);
            Assert.Equal(HttpStatusCode.OK, inference.StatusCode);

            var logged = await WaitForLoggedPredictionAsync(Path.Combine(data, "predictions", "iris"), first);
            Assert.Contains("\"model\":\"iris\"", logged, StringComparison.Ordinal);
            await first.StopAsync();
            Assert.DoesNotContain(first.Output, line => line.StartsWith("fail:", StringComparison.Ordinal));
        }

        await using var second = await GatewayProcess.StartAsync(_work, _registry.Path, data);
        using var again = second.CreateClient();
        var deployment = await again.GetFromJsonAsync<JsonElement>("/admin/models/iris/deployment", cancellation);
        using var served = await again.PostAsync("/v2/models/iris/infer", Json(IrisRow), cancellation);
        var metrics = await again.GetStringAsync("/metrics", cancellation);

        Assert.Equal(1, deployment.GetProperty("stable").GetInt32());
        Assert.Equal("1", (await served.Content.ReadFromJsonAsync<JsonElement>(cancellation)).GetProperty("model_version").GetString());
        Assert.True(File.Exists(Path.Combine(data, "deployments.json")));
        Assert.Equal(registryBefore, Listing(_registry.Path));
        Assert.Equal(1, Value(metrics, "serving_data_directory_writable"));
        Assert.Equal(0, Value(metrics, "serving_state_save_failures_total"));
    }

    [Fact]
    public async Task With_a_data_directory_that_cannot_be_written_start_up_says_so_in_one_line_and_the_gateway_serves_and_reports_it()
    {
        var cancellation = TestContext.Current.CancellationToken;
        // A file where the data directory's parent should be: no user can create it, root included.
        var blocker = Path.Combine(_work, "not-a-folder");
        File.SetUnixFileMode(_work, ReadOnlyFolder | UnixFileMode.UserWrite);
        File.WriteAllText(blocker, "in the way");
        var data = Path.Combine(blocker, "data");

        await using var gateway = await GatewayProcess.StartAsync(_work, _registry.Path, data);
        var startUp = gateway.Output;
        using var client = gateway.CreateClient();
        using var inference = await client.PostAsync("/v2/models/iris/infer", Json(IrisRow), cancellation);
        using var put = await client.PutAsync("/admin/models/iris/deployment", Json("""{"stable":1}"""), cancellation);
        var metrics = await WaitForMetricAsync(client, "serving_prediction_log_sink_failures_total", gateway);
        using var ready = await client.GetAsync("/v2/health/ready", cancellation);
        using var readiness = JsonDocument.Parse(await ready.Content.ReadAsStringAsync(cancellation));

        // One log entry at error level, the message on the line after its "fail:" header; no stack trace.
        var error = Assert.Single(startUp, line => line.StartsWith("fail:", StringComparison.Ordinal));
        var message = startUp[startUp.ToList().IndexOf(error) + 1];
        Assert.Contains(data, message, StringComparison.Ordinal);
        Assert.Contains("not writable", message, StringComparison.Ordinal);
        Assert.Contains("goes on serving", message, StringComparison.Ordinal);
        Assert.DoesNotContain(startUp, line => line.TrimStart().StartsWith("at ", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.OK, inference.StatusCode);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        // The change serves, and its answer tells the caller it was not saved, with where and why.
        var unsaved = Assert.Single(put.Headers.GetValues("Serving-State-Unsaved"));
        Assert.Contains(Path.Combine(data, "deployments.json"), unsaved, StringComparison.Ordinal);
        Assert.Equal(0, Value(metrics, "serving_data_directory_writable"));
        // The first deployment of iris at start-up, then the change above.
        Assert.True(Value(metrics, "serving_state_save_failures_total") >= 2, metrics);

        // Still ready (it serves), and the details say what does not work.
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var details = readiness.RootElement.GetProperty("details").EnumerateArray().ToDictionary(d => d.GetProperty("name").GetString()!);
        Assert.False(details["data-directory"].GetProperty("ready").GetBoolean());
        Assert.Contains(data, details["data-directory"].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.False(details["prediction-log"].GetProperty("ready").GetBoolean());
        Assert.True(details["registry"].GetProperty("ready").GetBoolean());
    }

    [Fact]
    public async Task A_registry_folder_the_gateway_cannot_read_makes_it_not_ready_while_what_it_loaded_keeps_serving()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await using var gateway = await GatewayProcess.StartAsync(_work, _registry.Path, WritableDataDirectory(), "--Serving:Registry:RescanSeconds=0.2");
        using var client = gateway.CreateClient();

        // Unreadable for the gateway's user (nobody, when the tests run as root), as a lost mount or a bad chmod is.
        File.SetUnixFileMode(_registry.Path, UnixFileMode.None);
        var (status, body) = await WaitForReadinessAsync(client, HttpStatusCode.ServiceUnavailable, gateway);
        using var inference = await client.PostAsync("/v2/models/iris/infer", Json(IrisRow), cancellation);

        Assert.Contains("cannot be read", body, StringComparison.Ordinal);
        Assert.Contains(_registry.Path, body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal(HttpStatusCode.OK, inference.StatusCode);
        Assert.Single(gateway.Output, line => line.Contains("cannot be read", StringComparison.Ordinal));

        // Readable again: ready again, without a restart.
        File.SetUnixFileMode(_registry.Path, ReadOnlyFolder);
        (status, _) = await WaitForReadinessAsync(client, HttpStatusCode.OK, gateway);
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task A_model_folder_the_gateway_cannot_read_is_left_out_and_the_others_serve()
    {
        // A registry on its own volume has a root-only lost+found. It once stopped every scan: never ready, no model.
        var lostFound = Path.Combine(_registry.Path, "lost+found");
        Directory.CreateDirectory(lostFound);
        File.SetUnixFileMode(lostFound, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        await using var gateway = await GatewayProcess.StartAsync(_work, _registry.Path, WritableDataDirectory(), "--Serving:Registry:RescanSeconds=0.2");
        using var client = gateway.CreateClient();
        await Task.Delay(1000, TestContext.Current.CancellationToken);
        using var inference = await client.PostAsync("/v2/models/iris/infer", Json(IrisRow), TestContext.Current.CancellationToken);
        using var ready = await client.GetAsync("/v2/health/ready", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, inference.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        if (GatewayProcess.RunsUnprivileged)
        {
            // Said once, not at every rescan.
            Assert.Single(gateway.Output, line => line.Contains("lost+found cannot be read", StringComparison.Ordinal));
        }
    }

    private static async Task<(HttpStatusCode Status, string Body)> WaitForReadinessAsync(HttpClient client, HttpStatusCode wanted, GatewayProcess gateway)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            using var ready = await client.GetAsync("/v2/health/ready", TestContext.Current.CancellationToken);
            var body = await ready.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            if (ready.StatusCode == wanted || DateTime.UtcNow > deadline)
            {
                Assert.True(ready.StatusCode == wanted, $"readiness stayed {(int)ready.StatusCode} {body}:\n{gateway}");
                return (ready.StatusCode, body);
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    private string WritableDataDirectory()
    {
        // What the image's /srv/data is to its user: a folder the gateway's user may write (here: anyone).
        var data = Path.Combine(_work, "data");
        File.SetUnixFileMode(_work, ReadOnlyFolder | UnixFileMode.UserWrite);
        Directory.CreateDirectory(data);
        File.SetUnixFileMode(data, ReadOnlyFolder | UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite);
        return data;
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    /// <summary>Waits for a model's first prediction log line (the writer batches off the request path).</summary>
    private static async Task<string> WaitForLoggedPredictionAsync(string folder, GatewayProcess gateway)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var line = Directory.Exists(folder)
                ? Directory.GetFiles(folder, "*.jsonl").SelectMany(File.ReadLines).FirstOrDefault()
                : null;
            if (line is not null)
            {
                return line;
            }

            Assert.True(DateTime.UtcNow < deadline, $"no prediction was logged under {folder} within 20 s:\n{gateway}");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    private static async Task<string> WaitForMetricAsync(HttpClient client, string series, GatewayProcess gateway)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var metrics = await client.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
            if (Value(metrics, series) > 0)
            {
                return metrics;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{series} did not rise within 20 s:\n{metrics}\n{gateway}");
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }

    private static double Value(string exposition, string series) =>
        exposition.Split('\n').Where(l => l.StartsWith(series + " ", StringComparison.Ordinal))
            .Select(l => double.Parse(l[(series.Length + 1)..], CultureInfo.InvariantCulture))
            .Single();

    /// <summary>Every file and folder under a folder, with sizes and times: any write into it changes this.</summary>
    private static List<string> Listing(string root) =>
        Directory.GetFileSystemEntries(root, "*", SearchOption.AllDirectories)
            .Select(path => new FileInfo(path))
            .Select(info => $"{Path.GetRelativePath(root, info.FullName)} {(info.Exists ? info.Length : -1)} {info.LastWriteTimeUtc:O}")
            .Order(StringComparer.Ordinal)
            .ToList();

    private static void MakeReadOnly(string folder)
    {
        foreach (var file in Directory.GetFiles(folder, "*", SearchOption.AllDirectories))
        {
            File.SetUnixFileMode(file, ReadOnlyFile);
        }

        foreach (var directory in Directory.GetDirectories(folder, "*", SearchOption.AllDirectories).Append(folder))
        {
            File.SetUnixFileMode(directory, ReadOnlyFolder);
        }
    }

    private static void MakeWritable(string folder)
    {
        File.SetUnixFileMode(folder, ReadOnlyFolder | UnixFileMode.UserWrite);
        foreach (var directory in Directory.GetDirectories(folder, "*", SearchOption.AllDirectories))
        {
            File.SetUnixFileMode(directory, ReadOnlyFolder | UnixFileMode.UserWrite);
        }

        foreach (var file in Directory.GetFiles(folder, "*", SearchOption.AllDirectories))
        {
            File.SetUnixFileMode(file, ReadOnlyFile | UnixFileMode.UserWrite);
        }
    }
}
