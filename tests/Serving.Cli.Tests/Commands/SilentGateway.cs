using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Serving.Cli.Tests.Commands;

/// <summary>
/// A gateway that takes the request and then stops short: it writes <c>start</c> (nothing, or the headers and part of a
/// body) and either holds the connection open without another byte or closes it. The monitoring and admin clients' own
/// words for "no answer in time" and "answer broken off" are tested against it.
/// </summary>
internal sealed class SilentGateway : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();

    private SilentGateway() => _listener.Start();

    public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/";

    /// <summary>Writes <paramref name="start"/> after each request, then holds the connection (<paramref name="close"/> false) or closes it.</summary>
    public static SilentGateway Start(string start, bool close)
    {
        var gateway = new SilentGateway();
        _ = Task.Run(async () =>
        {
            while (!gateway._stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await gateway._listener.AcceptTcpClientAsync(gateway._stop.Token);
                }
                catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    return;
                }

                _ = Task.Run(() => gateway.ServeAsync(client, start, close));
            }
        });
        return gateway;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }

    private async Task ServeAsync(TcpClient client, string start, bool close)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var request = new StringBuilder();
                var buffer = new byte[4096];
                while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var n = await stream.ReadAsync(buffer, _stop.Token);
                    if (n == 0)
                    {
                        return;
                    }

                    request.Append(Encoding.ASCII.GetString(buffer, 0, n));
                }

                await stream.WriteAsync(Encoding.ASCII.GetBytes(start), _stop.Token);
                await stream.FlushAsync(_stop.Token);
                if (!close)
                {
                    await Task.Delay(Timeout.Infinite, _stop.Token);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
            {
                // Disposed, or the client gave up first.
            }
        }
    }
}
