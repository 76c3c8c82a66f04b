using System.Collections.Concurrent;
using Serving.LoadTests.MinimalOnnx;
using Serving.LoadTests.Shared;

// The floor of an ONNX endpoint: Kestrel, one Utf8JsonReader pass into a pooled row, ONNX Runtime over memory bound
// once (IoBinding), and a pooled Utf8JsonWriter. What the gateway costs beyond this is its own work per request;
// what this costs beyond the ceiling (loadtests/Ceiling) is reading the body, the JSON both ways and ONNX Runtime's call.
var options = MinimalOptions.Parse(args);
if (options is null)
{
    await Console.Error.WriteLineAsync(MinimalOptions.Usage);
    return 2;
}

using var model = new MinimalModel(options.ModelFile);
var slots = new ConcurrentBag<BoundSlot>();
long served = 0;

var app = LoopbackKestrel.Create(options.Port);
app.Run(async context =>
{
    var body = context.Request.BodyReader;
    var read = await body.ReadAsync();
    while (!read.IsCompleted)
    {
        body.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        read = await body.ReadAsync();
    }

    if (!slots.TryTake(out var slot))
    {
        slot = new BoundSlot(model);
    }

    try
    {
        var ok = OipRowReader.TryRead(read.Buffer, slot.Row);
        body.AdvanceTo(read.Buffer.End);
        if (!ok)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        slot.Run(model.Session);
        var answer = OipAnswerWriter.Write(slot, model, options, Interlocked.Increment(ref served));
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = answer.Length;
        context.Response.Headers["X-Model-Version"] = options.Version;
        await context.Response.BodyWriter.WriteAsync(answer);
    }
    finally
    {
        slots.Add(slot);
    }
});

await app.StartAsync();
Console.WriteLine($"minimal ONNX endpoint listening on http://127.0.0.1:{options.Port}/ for {options.ModelFile} (input {model.InputName}, {model.Width} features)");
await app.WaitForShutdownAsync();
return 0;
