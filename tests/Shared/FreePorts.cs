using System.Net;
using System.Net.Sockets;

namespace Serving.Tests.Shared;

/// <summary>
/// Loopback ports for servers a test starts (gateways, Prometheus, redis-server). A port from the OS's ephemeral
/// range (asking for port 0) can be taken by any outgoing connection between the probe and the server's own
/// bind, which made hosts fail with "address already in use". These ports come from below that range
/// (20000-31999), never twice in one process, starting at a random place so parallel test processes rarely meet.
/// </summary>
internal static class FreePorts
{
    private const int First = 20000;
    private const int Count = 12000;
    private static int _next = Random.Shared.Next(Count);

    public static int Next()
    {
        for (var attempt = 0; attempt < Count; attempt++)
        {
            var port = First + (Interlocked.Increment(ref _next) % Count);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // In use by something else: try the next one.
            }
        }

        throw new InvalidOperationException("no free loopback port between 20000 and 31999");
    }
}
