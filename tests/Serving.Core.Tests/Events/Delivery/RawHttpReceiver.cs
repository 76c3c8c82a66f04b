using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Serving.Core.Tests.Events.Delivery;

/// <summary>
/// A receiver on a bare TcpListener (127.0.0.1, a free port) that answers whatever raw HTTP/1.1 text
/// <see cref="Answer"/> gives for the n-th request (from 0), so a test can send what Kestrel would not: any header, a
/// hostile status line. Each request's arrival time is kept; one request per connection (it closes after answering).
/// </summary>
internal sealed class RawHttpReceiver : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<DateTimeOffset> _arrivals = new();
    private readonly Task _accepting;
    private readonly Func<int, Stream, CancellationToken, Task>? _respond;

    public RawHttpReceiver(Func<int, string> answer)
        : this(answer, null)
    {
    }

    /// <param name="respond">Writes the answer itself (or none) once the n-th request was read whole.</param>
    public RawHttpReceiver(Func<int, Stream, CancellationToken, Task> respond)
        : this(_ => "", respond)
    {
    }

    private RawHttpReceiver(Func<int, string> answer, Func<int, Stream, CancellationToken, Task>? respond)
    {
        Answer = answer;
        _respond = respond;
        _listener.Start();
        Url = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/hook");
        _accepting = AcceptAsync();
    }

    public Uri Url { get; }

    public Func<int, string> Answer { get; }

    /// <summary>When each request's headers had arrived, in order.</summary>
    public IReadOnlyList<DateTimeOffset> Arrivals => [.. _arrivals];

    /// <summary>A whole response with an empty body: the status line and the extra header lines given.</summary>
    public static string Response(int status, params string[] headers) =>
        $"HTTP/1.1 {status} X\r\n{string.Concat(headers.Select(h => h + "\r\n"))}Content-Length: 0\r\nConnection: close\r\n\r\n";

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        var n = 0;
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = ServeAsync(client, n++);
        }
    }

    private async Task ServeAsync(TcpClient client, int n)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var seen = new StringBuilder();
                var buffer = new byte[4096];
                // Headers, then the body by its Content-Length, so the sender sees its request taken whole.
                while (!seen.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var read = await stream.ReadAsync(buffer, _stop.Token);
                    if (read == 0)
                        return;
                    seen.Append(Encoding.ASCII.GetString(buffer, 0, read));
                }

                _arrivals.Enqueue(DateTimeOffset.UtcNow);
                var text = seen.ToString();
                var headerEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4;
                var length = text[..headerEnd].Split("\r\n")
                    .Where(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                    .Select(l => int.Parse(l["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture))
                    .FirstOrDefault();
                var left = length - (text.Length - headerEnd);
                while (left > 0)
                {
                    var read = await stream.ReadAsync(buffer, _stop.Token);
                    if (read == 0)
                        return;
                    left -= read;
                }

                if (_respond is not null)
                {
                    await _respond(n, stream, _stop.Token);
                    return;
                }

                await stream.WriteAsync(Encoding.ASCII.GetBytes(Answer(n)), _stop.Token);
                await stream.FlushAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // The sender hung up or the test ended.
            }
        }
    }
}
