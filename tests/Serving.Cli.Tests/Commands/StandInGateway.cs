using System.Net;
using System.Text;

namespace Serving.Cli.Tests.Commands;

/// <summary>An HttpListener that answers every request with one status, body and set of headers (shared by the monitoring and admin tests).</summary>
internal sealed class StandInGateway : IDisposable
{
    private readonly HttpListener _listener = new();

    private StandInGateway(int port) => Url = $"http://127.0.0.1:{port}/";

    public string Url { get; }

    public string? LastPath { get; private set; }

    public static StandInGateway Start(HttpStatusCode status, string body, string contentType = "application/json", IReadOnlyDictionary<string, string>? headers = null)
    {
        var gateway = new StandInGateway(FreePort());
        gateway._listener.Prefixes.Add(gateway.Url);
        gateway._listener.Start();
        _ = Task.Run(async () =>
        {
            while (gateway._listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await gateway._listener.GetContextAsync();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                gateway.LastPath = context.Request.Url!.AbsolutePath;
                var bytes = Encoding.UTF8.GetBytes(body);
                context.Response.StatusCode = (int)status;
                context.Response.ContentType = contentType;
                foreach (var (name, value) in headers ?? new Dictionary<string, string>())
                {
                    context.Response.Headers[name] = value;
                }

                await context.Response.OutputStream.WriteAsync(bytes);
                context.Response.Close();
            }
        });
        return gateway;
    }

    public static int FreePort()
    {
        return FreePorts.Next();
    }

    public void Dispose() => _listener.Close();
}
