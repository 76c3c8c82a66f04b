using StackExchange.Redis;

namespace Serving.Gateway.Tests.Deploy;

/// <summary>
/// deploy/kubernetes/redis.conf, which compose and Kubernetes both load, started by a real redis-server: it is a
/// config Redis takes, and the settings docs/deploy.md asks for are the ones in force.
/// </summary>
public sealed class RedisConfTests
{
    [Fact]
    public async Task Redis_starts_with_the_file_and_keeps_an_append_only_file_flushed_every_second_and_never_evicts()
    {
        var executable = RequiredTool.Find("redis-server", "apt-get install redis-server");
        var data = Directory.CreateTempSubdirectory("redis-conf-");
        var port = FreePorts.Next();
        var start = new System.Diagnostics.ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        // The file first, then what only this test changes: a loopback port of its own and a temporary folder.
        foreach (var argument in new[] { DeployPaths.RedisConf, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", data.FullName })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        try
        {
            await using var connection = await ConnectAsync(port, process, output);
            var server = connection.GetServer("127.0.0.1", port);
            string Setting(string name) => server.ConfigGet(name).Single().Value;

            Assert.Equal("yes", Setting("appendonly"));
            Assert.Equal("everysec", Setting("appendfsync"));
            Assert.Equal("noeviction", Setting("maxmemory-policy"));
            Assert.True(long.Parse(Setting("maxmemory"), System.Globalization.CultureInfo.InvariantCulture) > 0, "maxmemory is unlimited");
            // Streams with consumer groups as the gateway uses them need Redis 6.2 or later (docs/deploy.md).
            Assert.True(server.Version >= new Version(6, 2), $"redis-server {server.Version}");
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
            data.Delete(recursive: true);
        }
    }

    private static async Task<ConnectionMultiplexer> ConnectAsync(int port, System.Diagnostics.Process process, Task<string> output)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var connection = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{port},allowAdmin=true,abortConnect=false,connectTimeout=500");
            if (connection.IsConnected)
            {
                return connection;
            }

            await connection.DisposeAsync();
            if (process.HasExited)
            {
                Assert.Fail($"redis-server refused deploy/kubernetes/redis.conf:\n{await output}");
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("redis-server did not answer within 10 s");
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }
}
