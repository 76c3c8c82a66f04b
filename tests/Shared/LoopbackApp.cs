using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Serving.Tests.Shared;

/// <summary>
/// A bare web app on 127.0.0.1 for a test's fake server or receiver: no configuration files (the gateway's
/// appsettings.json beside the tests would set Kestrel endpoints that win over the URL given here) and no logging.
/// </summary>
internal static class LoopbackApp
{
    /// <summary>Builds it on <paramref name="port"/> (0: a free one, read from the app's URLs once started).</summary>
    public static WebApplication Create(int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        return builder.Build();
    }
}
