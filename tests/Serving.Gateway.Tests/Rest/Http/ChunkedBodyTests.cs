using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Serving.Gateway.Tests.Hosting;

namespace Serving.Gateway.Tests.Rest.Http;

/// <summary>
/// A chunked body whose chunk size overflows (<c>ffffffffffffffff</c>) is the caller's fault: 400 in each protocol's
/// error format, never a 500. Kestrel reports that one as a plain IOException, so only a raw socket to the real
/// Kestrel shows it (HttpClient would not send such a body).
/// </summary>
public sealed class ChunkedBodyTests : IAsyncLifetime
{
    private const string Key = "chunk-test-admin-key-7c41";
    private readonly SampleRegistry _registry = new("iris");
    private GatewayHost _host = null!;

    public async ValueTask InitializeAsync() =>
        _host = await new GatewayHost(_registry.Path, new Dictionary<string, string?>
        {
            ["Serving:DefaultModel"] = "iris",
            ["Serving:Admin:ApiKey"] = Key,
        }).StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _registry.Dispose();
    }

    [Theory]
    [InlineData("POST", "/v2/models/iris/infer", "error")]
    [InlineData("POST", "/invocations", "error_code")]
    [InlineData("POST", "/monitoring/feedback", "error")]
    [InlineData("PUT", "/admin/models/iris/deployment", "error")]
    [InlineData("POST", "/v2/repository/index", "error")]
    public async Task An_overflowing_chunk_size_is_400_in_the_protocols_error_format(string method, string path, string member)
    {
        var (status, body) = await SendOverflowingChunkAsync(method, path);

        Assert.Equal(400, status);
        Assert.True(JsonDocument.Parse(body).RootElement.TryGetProperty(member, out _), body);

        // The gateway still serves after it.
        using var client = _host.CreateRestClient();
        var live = await client.GetAsync("/v2/health/live", TestContext.Current.CancellationToken);
        Assert.True(live.IsSuccessStatusCode);
    }

    [Fact]
    public async Task An_overflowing_chunk_size_on_infer_is_counted_as_a_bad_request()
    {
        const string series = """serving_requests_total{model="iris",version="none",protocol="rest",outcome="bad_request"}""";
        var before = await CountAsync(series);

        var (status, _) = await SendOverflowingChunkAsync("POST", "/v2/models/iris/infer");

        Assert.Equal(400, status);
        Assert.Equal(before + 1, await CountAsync(series));
    }

    private async Task<double> CountAsync(string series)
    {
        using var client = _host.CreateRestClient();
        var text = await client.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
        return text.Split('\n').Where(l => l.StartsWith(series + " ", StringComparison.Ordinal))
            .Select(l => double.Parse(l[(series.Length + 1)..], CultureInfo.InvariantCulture))
            .SingleOrDefault();
    }

    /// <summary>Sends the head and a chunk size of 2^64-1, then reads the answer's status and body.</summary>
    private async Task<(int Status, string Body)> SendOverflowingChunkAsync(string method, string path)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        using var socket = new TcpClient();
        await socket.ConnectAsync("127.0.0.1", _host.RestPort, timeout.Token);
        var stream = socket.GetStream();
        var request = $"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
            $"Authorization: Bearer {Key}\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), timeout.Token);

        var received = new List<byte>();
        var buffer = new byte[4096];
        int headEnd;
        while ((headEnd = IndexOfHeadEnd(received)) < 0)
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            Assert.True(read > 0, "the connection closed before an answer: " + Encoding.ASCII.GetString([.. received]));
            received.AddRange(buffer.AsSpan(0, read));
        }

        var head = Encoding.ASCII.GetString([.. received], 0, headEnd);
        var status = int.Parse(head.Split(' ')[1], CultureInfo.InvariantCulture);
        var lengthLine = head.Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        if (lengthLine is null)
        {
            // A chunked answer (admin results): read to the last chunk, then take the chunks' data.
            while (!Encoding.ASCII.GetString([.. received], headEnd, received.Count - headEnd).EndsWith("\r\n0\r\n\r\n", StringComparison.Ordinal))
            {
                var read = await stream.ReadAsync(buffer, timeout.Token);
                Assert.True(read > 0, "the connection closed inside the answer");
                received.AddRange(buffer.AsSpan(0, read));
            }

            return (status, Unchunk(Encoding.UTF8.GetString([.. received], headEnd + 4, received.Count - headEnd - 4)));
        }

        var length = int.Parse(lengthLine["Content-Length:".Length..].Trim(), CultureInfo.InvariantCulture);
        while (received.Count < headEnd + 4 + length)
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            Assert.True(read > 0, "the connection closed inside the answer");
            received.AddRange(buffer.AsSpan(0, read));
        }

        return (status, Encoding.UTF8.GetString([.. received], headEnd + 4, length));
    }

    private static string Unchunk(string chunked)
    {
        var body = new StringBuilder();
        var at = 0;
        while (true)
        {
            var lineEnd = chunked.IndexOf("\r\n", at, StringComparison.Ordinal);
            var size = int.Parse(chunked[at..lineEnd], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (size == 0)
            {
                return body.ToString();
            }

            body.Append(chunked, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
    }

    private static int IndexOfHeadEnd(List<byte> bytes)
    {
        for (var i = 0; i + 3 < bytes.Count; i++)
        {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n')
            {
                return i;
            }
        }

        return -1;
    }
}
