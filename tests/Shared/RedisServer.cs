using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Serving.Tests.Shared;

/// <summary>
/// A real redis-server of the test's own on a free loopback port, with persistence off. <see cref="Kill"/> and
/// <see cref="RestartAsync"/> simulate an outage: the server comes back on the same port, empty.
/// </summary>
internal sealed class RedisServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);

    private readonly string _executable;
    private readonly string[] _extraArguments;
    private Process? _process;

    private RedisServer(string executable, int port, string[] extraArguments)
    {
        _executable = executable;
        Port = port;
        _extraArguments = extraArguments;
    }

    /// <summary>The loopback port it listens on, the same across restarts.</summary>
    public int Port { get; }

    /// <summary>A StackExchange.Redis configuration string for it, with short timeouts so outages show fast.</summary>
    public string Configuration => ConfigurationAt(Port);

    /// <summary>The same for a loopback port in front of it (a <see cref="TcpRelay"/>).</summary>
    public static string ConfigurationAt(int port) => $"127.0.0.1:{port},connectTimeout=1000,asyncTimeout=1000,syncTimeout=1000";

    /// <summary>Starts one; skips the test (fails it under CI) when redis-server is not installed.</summary>
    public static async Task<RedisServer> StartAsync(params string[] extraArguments)
    {
        var executable = RequiredTool.Find("redis-server", "apt-get install redis-server");
        var server = new RedisServer(executable, FreePort(), extraArguments);
        await server.RestartAsync();
        return server;
    }

    /// <summary>Starts the server again on its port (after <see cref="Kill"/>), and waits until it answers PING.</summary>
    public async Task RestartAsync()
    {
        Kill();
        var start = new ProcessStartInfo(_executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                     "--save", "", "--appendonly", "no", "--daemonize", "no", .. _extraArguments])
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow + StartTimeout;
        while (!await AnswersPingAsync())
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"redis-server on port {Port} did not come up");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Kills the server at once (SIGKILL): connections drop, and everything it held is gone.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process?.Dispose();
        _process = null;
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        return ValueTask.CompletedTask;
    }

    private async Task<bool> AnswersPingAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        return FreePorts.Next();
    }
}
