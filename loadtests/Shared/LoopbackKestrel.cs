using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Serving.LoadTests.Shared;

/// <summary>
/// What the baseline servers (the ceiling, the minimal ONNX endpoint) share: bare Kestrel on one loopback port,
/// HTTP/1.1 only, with no configuration sources, logging or routing, and their "--name value" arguments.
/// </summary>
internal static class LoopbackKestrel
{
    /// <summary>An application with nothing but Kestrel on 127.0.0.1:<paramref name="port"/>, sending a Server header as the gateway does.</summary>
    public static WebApplication Create(int port)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = true;
            kestrel.Listen(IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http1);
        });
        return builder.Build();
    }

    /// <summary>
    /// The arguments as "--name value" pairs, each name one of <paramref name="names"/>; null when one is unknown,
    /// repeated or has no value.
    /// </summary>
    public static Dictionary<string, string>? Pairs(IReadOnlyList<string> args, params string[] names)
    {
        if (args.Count % 2 != 0)
        {
            return null;
        }

        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i += 2)
        {
            if (!names.Contains(args[i], StringComparer.Ordinal) || !pairs.TryAdd(args[i], args[i + 1]))
            {
                return null;
            }
        }

        return pairs;
    }

    /// <summary>A TCP port number, or null.</summary>
    public static int? Port(string? text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536 ? port : null;
}
