using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace Serving.Gateway.Tests.Deploy;

/// <summary>
/// A real <c>prometheus</c> process on a free loopback port, with its configuration and TSDB in a temporary folder
/// that goes with it. Its HTTP API answers queries the way Grafana's Prometheus datasource asks them.
/// </summary>
internal sealed class PrometheusServer : IAsyncDisposable
{
    private const int LogLines = 40;

    private readonly Process _process;
    private readonly string _directory;
    private readonly Queue<string> _log = new();

    private PrometheusServer(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        process.ErrorDataReceived += (_, e) => Remember(e.Data);
        process.OutputDataReceived += (_, e) => Remember(e.Data);
    }

    public HttpClient Http { get; }

    /// <summary>The process's last log lines, for failure messages.</summary>
    public string RecentLog
    {
        get
        {
            lock (_log)
            {
                return string.Join('\n', _log);
            }
        }
    }

    /// <summary>
    /// Writes <paramref name="files"/> (relative path to content; one must be <c>prometheus.yml</c>) into a
    /// temporary folder, starts Prometheus on it and waits until it reports ready.
    /// </summary>
    public static async Task<PrometheusServer> StartAsync(string executable, IReadOnlyDictionary<string, string> files, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("deploy-prometheus-").FullName;
        foreach (var (path, content) in files)
        {
            var target = Path.Combine(directory, path);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            await File.WriteAllTextAsync(target, content, cancellationToken);
        }

        var port = FreePort();
        var start = new ProcessStartInfo(executable,
        [
            "--config.file=" + Path.Combine(directory, "prometheus.yml"),
            "--storage.tsdb.path=" + Path.Combine(directory, "data"),
            "--web.listen-address=127.0.0.1:" + port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--log.level=warn",
        ])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = directory,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{executable} did not start");
        var server = new PrometheusServer(process, directory, port);
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        try
        {
            await server.WaitReadyAsync(timeout, cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>GET on the HTTP API; returns <c>data</c>, or throws with Prometheus' error.</summary>
    public async Task<JsonElement> ApiAsync(string pathAndQuery, CancellationToken cancellationToken)
    {
        using var response = await Http.GetAsync(pathAndQuery, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        using var document = JsonDocument.Parse(text);
        var root = document.RootElement;
        if (root.GetProperty("status").GetString() != "success")
        {
            throw new PrometheusQueryException(root.TryGetProperty("error", out var error) ? error.GetString() ?? text : text);
        }

        return root.GetProperty("data").Clone();
    }

    /// <summary>An instant query now: the result's series (or one scalar).</summary>
    public async Task<JsonElement> QueryAsync(string expression, CancellationToken cancellationToken) =>
        await ApiAsync("/api/v1/query?query=" + Uri.EscapeDataString(expression), cancellationToken);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }
        finally
        {
            _process.Dispose();
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // The TSDB's last files closing late; the temp folder is the OS's to clean.
            }
        }
    }

    private async Task WaitReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"prometheus exited with {_process.ExitCode}:\n{RecentLog}");
            }

            try
            {
                using var response = await Http.GetAsync("/-/ready", cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"prometheus was not ready within {timeout.TotalSeconds} s:\n{RecentLog}");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.Enqueue(line);
            while (_log.Count > LogLines)
            {
                _log.Dequeue();
            }
        }
    }

    private static int FreePort()
    {
        return FreePorts.Next();
    }
}
