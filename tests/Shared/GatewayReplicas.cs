using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Serving.Tests.Shared;

/// <summary>
/// N real gateway processes (<c>dotnet Serving.Gateway.dll</c>), as replicas behind a load balancer run: each on
/// free loopback ports, with its own data directory, all reading one registry folder, with extra configuration as
/// environment variables (<c>Serving__Redis__Configuration</c>, ...). <see cref="StartAsync"/> returns when every
/// replica answers <c>/v2/health/ready</c>; <see cref="Kill"/> (SIGKILL) and <see cref="StopAsync"/> (SIGTERM)
/// end one; disposing kills whatever still runs and deletes the data directories.
/// </summary>
internal sealed class GatewayReplicas : IAsyncDisposable
{
    /// <summary>The admin API key every replica accepts.</summary>
    public const string AdminKey = "replicas-admin-key";

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(90);

    private readonly Replica[] _replicas;
    private readonly string _work;

    private GatewayReplicas(Replica[] replicas, string work)
    {
        _replicas = replicas;
        _work = work;
    }

    /// <summary>How many replicas were started (killed ones included).</summary>
    public int Count => _replicas.Length;

    /// <summary>Each replica's REST base address (http://127.0.0.1:port/), by index.</summary>
    public IReadOnlyList<Uri> BaseUrls => [.. _replicas.Select(r => r.BaseUrl)];

    /// <summary>Each replica's own data directory, by index.</summary>
    public IReadOnlyList<string> DataDirectories => [.. _replicas.Select(r => r.DataDirectory)];

    /// <summary>The built gateway: beside the running tests' build when they are the gateway's, else under src/Serving.Gateway/bin with the same configuration and framework.</summary>
    public static string GatewayAssembly
    {
        get
        {
            var beside = Path.Combine(AppContext.BaseDirectory, "Serving.Gateway.dll");
            if (File.Exists(beside))
            {
                return beside;
            }

            // tests/<Project>/bin/<configuration>/<framework>/... → src/Serving.Gateway/bin/<same>/
            var output = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
            var marker = Path.DirectorySeparatorChar + "bin" + Path.DirectorySeparatorChar;
            var at = output.LastIndexOf(marker, StringComparison.Ordinal);
            var tail = at < 0 ? string.Empty : output[(at + marker.Length)..];
            var path = Path.Combine(RepositoryPaths.Of("src", "Serving.Gateway", "bin"), tail, "Serving.Gateway.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException($"the gateway is not built at {path}; build Serving.sln first", path);
        }
    }

    /// <summary>
    /// Starts <paramref name="count"/> replicas on <paramref name="registry"/> and waits until all are ready.
    /// <paramref name="settings"/> are configuration keys (<c>Serving:Redis:Configuration</c>) and values given to every replica.
    /// </summary>
    public static async Task<GatewayReplicas> StartAsync(int count, string registry, IReadOnlyDictionary<string, string>? settings = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var work = Directory.CreateTempSubdirectory("gateway-replicas-").FullName;
        var replicas = new Replica[count];
        var group = new GatewayReplicas(replicas, work);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var data = Path.Combine(work, $"data-{i}");
                Directory.CreateDirectory(data);
                replicas[i] = new Replica(i, data, registry, settings ?? new Dictionary<string, string>());
                replicas[i].Start();
            }

            await Task.WhenAll(replicas.Select(r => r.WaitUntilReadyAsync(ReadyTimeout)));
            return group;
        }
        catch
        {
            await group.DisposeAsync();
            throw;
        }
    }

    /// <summary>A client for replica <paramref name="index"/>, with the admin key unless <paramref name="key"/> says otherwise.</summary>
    public HttpClient CreateClient(int index, string? key = AdminKey)
    {
        var client = new HttpClient { BaseAddress = _replicas[index].BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", key);
        }

        return client;
    }

    /// <summary>Whether replica <paramref name="index"/> still runs.</summary>
    public bool IsRunning(int index) => _replicas[index].IsRunning;

    /// <summary>Every line replica <paramref name="index"/> wrote so far, for failure messages.</summary>
    public string OutputOf(int index) => string.Join('\n', _replicas[index].Output);

    /// <summary>Kills replica <paramref name="index"/> at once (SIGKILL): nothing of its orderly shutdown runs.</summary>
    public void Kill(int index) => _replicas[index].Kill();

    /// <summary>Stops replica <paramref name="index"/> as a container runtime does (SIGTERM) and waits until it exits; returns its exit code.</summary>
    public Task<int> StopAsync(int index, TimeSpan? patience = null) => _replicas[index].StopAsync(patience ?? TimeSpan.FromSeconds(30));

    public async ValueTask DisposeAsync()
    {
        foreach (var replica in _replicas)
        {
            replica?.Kill();
        }

        foreach (var replica in _replicas)
        {
            if (replica is not null)
            {
                await replica.DisposeAsync();
            }
        }

        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a dying child: the temporary folder is left for the OS to clean.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }

    /// <summary>One gateway process.</summary>
    private sealed class Replica : IAsyncDisposable
    {
        private readonly List<string> _output = [];
        private readonly string _registry;
        private readonly IReadOnlyDictionary<string, string> _settings;
        private readonly int _index;
        private Process? _process;

        public Replica(int index, string dataDirectory, string registry, IReadOnlyDictionary<string, string> settings)
        {
            _index = index;
            DataDirectory = dataDirectory;
            _registry = registry;
            _settings = settings;
            RestPort = FreePorts.Next();
            GrpcPort = FreePorts.Next();
        }

        public string DataDirectory { get; }

        public int RestPort { get; }

        public int GrpcPort { get; }

        public Uri BaseUrl => new($"http://127.0.0.1:{RestPort.ToString(CultureInfo.InvariantCulture)}/");

        public bool IsRunning => _process is { HasExited: false };

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

        public void Start()
        {
            var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
            {
                WorkingDirectory = DataDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(GatewayAssembly);
            var environment = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["Kestrel:Endpoints:Http:Url"] = $"http://127.0.0.1:{RestPort.ToString(CultureInfo.InvariantCulture)}",
                ["Kestrel:Endpoints:Grpc:Url"] = $"http://127.0.0.1:{GrpcPort.ToString(CultureInfo.InvariantCulture)}",
                ["Serving:Registry:Path"] = _registry,
                ["Serving:DataPath"] = DataDirectory,
                ["Serving:Registry:SettleSeconds"] = "1",
                ["Serving:Admin:ApiKey"] = AdminKey,
                ["Logging:Console:FormatterName"] = "simple",
                ["Logging:Console:FormatterOptions:ColorBehavior"] = "Disabled",
            };
            foreach (var (key, value) in _settings)
            {
                environment[key] = value;
            }

            foreach (var (key, value) in environment)
            {
                start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
            }

            start.Environment["DOTNET_SYSTEM_CONSOLE_ALLOW_ANSI_COLOR_REDIRECTION"] = "false";
            _process = Process.Start(start) ?? throw new InvalidOperationException($"replica {_index} did not start");
            _process.OutputDataReceived += (_, e) => Add(e.Data);
            _process.ErrorDataReceived += (_, e) => Add(e.Data);
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public async Task WaitUntilReadyAsync(TimeSpan timeout)
        {
            using var client = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(2) };
            var deadline = DateTime.UtcNow + timeout;
            while (true)
            {
                if (_process is null || _process.HasExited)
                {
                    throw new InvalidOperationException($"replica {_index} exited with code {_process?.ExitCode}:\n{string.Join('\n', Output)}");
                }

                try
                {
                    using var response = await client.GetAsync(new Uri("v2/health/ready", UriKind.Relative));
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
                    throw new TimeoutException($"replica {_index} was not ready within {timeout.TotalSeconds} s:\n{string.Join('\n', Output)}");
                }

                await Task.Delay(100);
            }
        }

        public void Kill()
        {
            if (_process is { HasExited: false })
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }
        }

        public async Task<int> StopAsync(TimeSpan patience)
        {
            if (_process is null)
            {
                throw new InvalidOperationException($"replica {_index} was never started");
            }

            if (!_process.HasExited)
            {
                // Process.Kill sends SIGKILL, which skips the orderly shutdown this is meant to exercise.
                using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
                {
                    await term.WaitForExitAsync();
                }

                using var wait = new CancellationTokenSource(patience);
                try
                {
                    await _process.WaitForExitAsync(wait.Token);
                }
                catch (OperationCanceledException)
                {
                    Kill();
                    throw new TimeoutException($"replica {_index} did not stop within {patience.TotalSeconds} s of SIGTERM:\n{string.Join('\n', Output)}");
                }
            }

            // Both output streams are read to their end before the exit is reported as complete.
            await _process.WaitForExitAsync();
            return _process.ExitCode;
        }

        public async ValueTask DisposeAsync()
        {
            if (_process is not null)
            {
                Kill();
                await _process.WaitForExitAsync();
                _process.Dispose();
                _process = null;
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
    }
}
