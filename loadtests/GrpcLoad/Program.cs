using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Serving.Gateway.Grpc.Protocol;
using Serving.LoadTests.GrpcLoad;

LoadOptions options;
RowPayload payload;
try
{
    options = LoadOptions.Parse(args);
    payload = RowPayload.Load(options.Payload);
}
catch (Exception e) when (e is FormatException or UriFormatException or IOException)
{
    await Console.Error.WriteLineAsync($"{e.Message}\n\n{LoadOptions.Usage}");
    return 2;
}

// One SocketsHttpHandler with multiple HTTP/2 connections off: every caller multiplexes over the same connection,
// which is how gRPC is meant to be used and how the gateway's gRPC numbers are to be read.
using var channel = GrpcChannel.ForAddress(options.Target, new GrpcChannelOptions
{
    HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = false },
});
var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);

ModelInferRequest request;
ModelInferResponse reply;
try
{
    (request, reply) = await ProbeAsync(client, options, payload);
}
catch (Exception e) when (e is RpcException or NotSupportedException or FormatException)
{
    await Console.Error.WriteLineAsync($"cannot call {options.Model} at {options.Target}: {e.Message}");
    return 2;
}

// The probe has just shown that the server answers this request with grpc-status 0, so the file holds a request known
// to succeed. h2load sees only HTTP statuses, and a gRPC error is an HTTP 200; the answer's framed size lets the run
// script check h2load's received DATA bytes against the size of a correct answer.
if (options.WriteRequest is { } requestFile)
{
    try
    {
        var frame = GrpcFrame.Frame(request);
        await File.WriteAllBytesAsync(requestFile, frame);
        var written = new
        {
            file = Path.GetFullPath(requestFile),
            mode = options.Mode.ToString().ToLowerInvariant(),
            request_frame_bytes = frame.Length,
            reply_frame_bytes = GrpcFrame.PrefixBytes + reply.CalculateSize(),
        };
        Console.WriteLine($"GRPCLOAD_REQUEST {JsonSerializer.Serialize(written)}");
        return 0;
    }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
    {
        await Console.Error.WriteLineAsync($"cannot write {requestFile}: {e.Message}");
        return 2;
    }
}

var runner = new LoadRunner(client, request, options.Concurrency);
if (options.Warmup > TimeSpan.Zero)
{
    await runner.WarmUpAsync(options.Warmup);
}

var (clientBefore, serverBefore) = (CpuClock.Own(), options.ServerPid is int pid ? CpuClock.Of(pid) : null);
var result = await runner.MeasureAsync(options.Duration, options.MaxRequests);
var serverAfter = options.ServerPid is int samePid ? CpuClock.Of(samePid) : null;
result = result with { ClientCpu = CpuClock.Own() - clientBefore, ServerCpu = serverAfter - serverBefore };
Console.WriteLine(result.Describe(options));
Console.WriteLine($"GRPCLOAD_RESULT {result.ToJson(options)}");
return result.Failures == 0 ? 0 : 1;

// Reads the model's metadata for the input's name and datatype (unless given), and makes one call so a wrong
// input or an unready model fails the run at once with the server's message instead of N failed calls.
static async Task<(ModelInferRequest Request, ModelInferResponse Reply)> ProbeAsync(
    GRPCInferenceService.GRPCInferenceServiceClient client, LoadOptions options, RowPayload payload)
{
    var metadata = await client.ModelMetadataAsync(
        new ModelMetadataRequest { Name = options.Model, Version = options.ModelVersion },
        deadline: DateTime.UtcNow.AddSeconds(10));
    var input = options.Input is null
        ? metadata.Inputs.Count == 1
            ? metadata.Inputs[0]
            : throw new FormatException($"the model has {metadata.Inputs.Count} inputs; name one with --input")
        : metadata.Inputs.FirstOrDefault(i => i.Name == options.Input)
          ?? throw new FormatException($"the model has no input {options.Input}");
    var width = input.Shape.Count == 2 ? input.Shape[1] : -1;
    if (width > 0 && width != payload.Values.Count)
    {
        throw new FormatException($"input {input.Name} takes {width} values a row; the payload has {payload.Values.Count}");
    }

    var request = InferRequestFactory.Create(options.Model, options.ModelVersion, input.Name,
        options.Datatype ?? input.Datatype, options.Mode, payload.Values);
    var reply = await client.ModelInferAsync(request, deadline: DateTime.UtcNow.AddSeconds(10));
    Console.WriteLine($"probe: {options.Model} v{reply.ModelVersion} input {input.Name} {input.Datatype} " +
                      $"[{string.Join(',', input.Shape)}] -> outputs " +
                      string.Join(", ", reply.Outputs.Select(o => $"{o.Name} {o.Datatype} [{string.Join(',', o.Shape)}]")));
    return (request, reply);
}
