using Serving.LoadTests.Ceiling;
using Serving.LoadTests.Shared;

// The ceiling: Kestrel with nothing but a canned answer of the gateway's size, so a load run can say how much of
// the achievable request rate on this machine the gateway reaches. No routing, logging or configuration sources.
var options = CeilingOptions.Parse(args);
if (options is null)
{
    await Console.Error.WriteLineAsync(CeilingOptions.Usage);
    return 2;
}

var canned = CannedResponse.Load(options.BodyFile, options.HeadersFile);

var app = LoopbackKestrel.Create(options.Port);
app.Run(canned.AnswerAsync);

await app.StartAsync();
Console.WriteLine($"ceiling listening on http://127.0.0.1:{options.Port}/ with a {canned.Length}-byte body");
await app.WaitForShutdownAsync();
return 0;
