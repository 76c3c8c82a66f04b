using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Serving.Gateway.Tests.Hosting;

/// <summary>
/// The built gateway (<c>dotnet Serving.Gateway.dll</c>) as a process of its own, as a container runs it: its own
/// appsettings.json, settings on the command line, console logging. Run as root (CI), it runs as the unprivileged
/// user <c>nobody</c> through <c>setpriv</c>, so folder permissions bind it as they bind <c>USER app</c> in the image
/// (root ignores them).
/// </summary>
internal sealed class GatewayProcess : IAsyncDisposable
{
    public const string AdminKey = "process-admin-key";

    private const int Nobody = 65534;

    private readonly List<string> _output = [];
    private readonly Process _process;

    private GatewayProcess(Process process, int restPort)
    {
        _process = process;
        RestPort = restPort;
    }

    public int RestPort { get; }

    /// <summary>Whether the process runs as <c>nobody</c> (the tests run as root).</summary>
    public static bool RunsUnprivileged => Environment.IsPrivilegedProcess;

    /// <summary>Every line the process wrote to standard output and error so far.</summary>
    public IReadOnlyList<string> Output
    {
        get
        {
            lock (_output)
            {
                return [.. _output];
            }
        }
    }

    /// <summary>The built gateway beside these tests' own build (same configuration, framework and runtime).</summary>
    public static string GatewayAssembly
    {
        get
        {
            // tests/Serving.Gateway.Tests/bin/<configuration>/<framework>/<rid>/ → src/Serving.Gateway/bin/<same>/
            var project = RepositoryPaths.Of("tests", "Serving.Gateway.Tests");
            var output = Path.GetRelativePath(project, AppContext.BaseDirectory);
            var path = Path.Combine(RepositoryPaths.Of("src", "Serving.Gateway"), output, "Serving.Gateway.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException($"the gateway is not built at {path}; build Serving.sln first", path);
        }
    }

    /// <summary>Starts the gateway in <paramref name="workingDirectory"/> and waits until it answers /v2/health/ready.</summary>
    public static async Task<GatewayProcess> StartAsync(string workingDirectory, string registry, string dataPath, params string[] settings)
    {
        var restPort = FreePorts.Next();
        var start = new ProcessStartInfo
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var arguments = new List<string>();
        if (RunsUnprivileged)
        {
            var nobody = Nobody.ToString(CultureInfo.InvariantCulture);
            start.FileName = "setpriv";
            arguments.AddRange(["--reuid", nobody, "--regid", nobody, "--clear-groups", "--", "dotnet"]);
            // nobody's home does not exist: point it at a folder it may read.
            start.Environment["HOME"] = workingDirectory;
        }
        else
        {
            start.FileName = "dotnet";
        }

        arguments.AddRange(
        [
            GatewayAssembly,
            $"--Kestrel:Endpoints:Http:Url=http://127.0.0.1:{restPort}",
            $"--Kestrel:Endpoints:Grpc:Url=http://127.0.0.1:{FreePorts.Next()}",
            $"--Serving:Registry:Path={registry}",
            $"--Serving:DataPath={dataPath}",
            "--Serving:Registry:SettleSeconds=1",
            $"--Serving:Admin:ApiKey={AdminKey}",
            .. settings,
        ]);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Console lines as they are written, without colours.
        start.Environment["DOTNET_SYSTEM_CONSOLE_ALLOW_ANSI_COLOR_REDIRECTION"] = "false";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        start.Environment["Logging__Console__FormatterOptions__ColorBehavior"] = "Disabled";

        var process = Process.Start(start) ?? throw new InvalidOperationException("the gateway did not start");
        var gateway = new GatewayProcess(process, restPort);
        process.OutputDataReceived += (_, e) => gateway.Add(e.Data);
        process.ErrorDataReceived += (_, e) => gateway.Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await gateway.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
        }
        catch
        {
            await gateway.DisposeAsync();
            throw;
        }

        return gateway;
    }

    public HttpClient CreateClient(string? key = AdminKey)
    {
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{RestPort}"), Timeout = TimeSpan.FromSeconds(30) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", key);
        }

        return client;
    }

    /// <summary>Stops it as a container runtime does (SIGTERM), so it shuts down in order, and waits for it to exit.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }

        // .NET's Process.Kill sends SIGKILL, which skips the gateway's orderly shutdown.
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _process.WaitForExitAsync(patience.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException("the gateway did not stop within 30 s of SIGTERM:\n" + string.Join('\n', Output));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        using var client = CreateClient(key: null);
        client.Timeout = TimeSpan.FromSeconds(2);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the gateway exited with code {_process.ExitCode}:\n{string.Join('\n', Output)}");
            }

            try
            {
                using var response = await client.GetAsync("/v2/health/ready");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Listening, not answering yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the gateway was not ready within {timeout.TotalSeconds} s:\n{string.Join('\n', Output)}");
            }

            await Task.Delay(100);
        }
    }

    private void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Add(line);
        }
    }

    /// <summary>The lines of <see cref="Output"/> joined, for failure messages.</summary>
    public override string ToString() => string.Join('\n', Output);
}
