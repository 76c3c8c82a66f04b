using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Serving.LoadTests.Ceiling;

// The ceiling: Kestrel with nothing but a canned answer of the gateway's size, so a load run can say how much of
// the achievable request rate on this machine the gateway reaches. No routing, logging or configuration sources.
var options = CeilingOptions.Parse(args);
if (options is null)
{
    await Console.Error.WriteLineAsync(CeilingOptions.Usage);
    return 2;
}

var canned = CannedResponse.Load(options.BodyFile, options.HeadersFile);

var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { Args = [] });
builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
{
    kestrel.AddServerHeader = true;
    kestrel.Listen(IPAddress.Loopback, options.Port, listen => listen.Protocols = HttpProtocols.Http1);
});

var app = builder.Build();
app.Run(canned.AnswerAsync);

await app.StartAsync();
Console.WriteLine($"ceiling listening on http://127.0.0.1:{options.Port}/ with a {canned.Length}-byte body");
await app.WaitForShutdownAsync();
return 0;
