using System.Diagnostics;
using Grpc.Net.Client;
using Serving.Gateway.Grpc.Protocol;

namespace Serving.Gateway.Tests.Hostile;

/// <summary>Runs alone: it compares this process's open descriptors and managed memory before and after.</summary>
[CollectionDefinition(nameof(HostileCollection), DisableParallelization = true)]
public sealed class HostileCollection : ICollectionFixture<HostileGateway>;

/// <summary>
/// About 11,000 generated malformed or hostile requests (fixed seeds, so every run sends the same) against the real
/// gateway on real Kestrel, class by class. Each class must get no 5xx, no gRPC UNKNOWN or INTERNAL, no hang and no
/// unbounded echo (<see cref="HostileSenders"/>), and afterwards the gateway must be live, answer the good request as
/// at the start and log it, hold no more than <see cref="DescriptorTolerance"/> extra open descriptors, have made no
/// prediction-log folder, keep managed memory within <see cref="MemoryBound"/> of the start after a full collection,
/// and have logged no line longer than <see cref="LogLineBound"/> and at most <see cref="ErrorLogBound"/> errors.
/// </summary>
[Collection(nameof(HostileCollection))]
public sealed class HostileInputTests(HostileGateway gateway)
{
    /// <summary>Pooled and closing connections, the runtime's own handles: a leak per name shows as hundreds.</summary>
    public const int DescriptorTolerance = 64;

    public const long MemoryBound = 200L * 1024 * 1024;

    /// <summary>Echoes are cut to 64 characters; stack traces of a few kilobytes still fit.</summary>
    public const int LogLineBound = 16 * 1024;

    /// <summary>Bad input is logged at most once in a while, never at error level per request.</summary>
    public const int ErrorLogBound = 20;

    [Fact]
    public async Task Oip_rest_bodies_get_4xx_and_leave_the_gateway_well()
    {
        await RunHttpAsync("oip-rest", () => HostileRequests.OipRest(3_000));
    }

    [Fact]
    public async Task Unknown_model_names_get_4xx_and_open_no_file_or_folder()
    {
        await RunHttpAsync("unknown-models", () => HostileRequests.UnknownModels(1_500));
    }

    [Fact]
    public async Task Broken_framing_and_chunk_sizes_get_4xx()
    {
        var tally = new HostileTally("transport");
        var errors = gateway.Logs.Errors;
        var memory = MemoryAfterGenerating(HostileRequests.Transport);
        await HostileSenders.SendRawAsync(gateway.RestPort, HostileRequests.Transport(), tally);
        await AssertAftermathAsync(tally, errors, memory);
    }

    [Fact]
    public async Task Mlflow_json_bodies_get_4xx_and_leave_the_gateway_well()
    {
        await RunHttpAsync("mlflow-json", () => HostileRequests.MlflowJson(1_500));
    }

    [Fact]
    public async Task Mlflow_csv_bodies_get_4xx_and_large_ones_leave_memory_bounded()
    {
        await RunHttpAsync("mlflow-csv", () => HostileRequests.MlflowCsv(1_000, largeRows: 50_000, largeCount: 4));
    }

    [Fact]
    public async Task Admin_calls_without_the_key_or_with_bad_bodies_get_4xx()
    {
        await RunHttpAsync("admin", () => HostileRequests.Admin(1_000));
    }

    [Fact]
    public async Task Feedback_posts_get_4xx_or_accounts_and_pin_no_memory()
    {
        await RunHttpAsync("feedback", () => HostileRequests.Feedback(800));
    }

    [Fact]
    public async Task Grpc_calls_get_invalid_argument_not_unknown_and_no_hang()
    {
        var tally = new HostileTally("grpc");
        var errors = gateway.Logs.Errors;
        var memory = MemoryAfterGenerating(() => HostileGrpcCalls.Sample(2_000));
        using (var channel = GrpcChannel.ForAddress(gateway.GrpcUri, new GrpcChannelOptions { MaxReceiveMessageSize = 16 << 20, MaxSendMessageSize = 16 << 20 }))
        {
            await HostileSenders.SendGrpcAsync(channel, HostileGrpcCalls.Sample(2_000), static (invoker, call, options) => call.Call(invoker, options), static c => c.Label, tally);

            // The same channel must still carry a good call afterwards (an unreadable trailer once hung the next call).
            var good = await new GRPCInferenceService.GRPCInferenceServiceClient(channel).ModelInferAsync(
                new ModelInferRequest
                {
                    ModelName = "iris",
                    Inputs = { new ModelInferRequest.Types.InferInputTensor { Name = "input", Datatype = "FP32", Shape = { 1, 4 }, Contents = new InferTensorContents { Fp32Contents = { 6.3f, 3.3f, 6f, 2.5f } } } },
                },
                deadline: DateTime.UtcNow.AddSeconds(10),
                cancellationToken: TestContext.Current.CancellationToken);
            Assert.True(good.Outputs.Count > 0, $"a good gRPC call after the class answered no outputs; {tally}");
        }

        await AssertAftermathAsync(tally, errors, memory);
    }

    private async Task RunHttpAsync(string name, Func<HostileRequest[]> generate)
    {
        var tally = new HostileTally(name);
        var errors = gateway.Logs.Errors;
        var memory = MemoryAfterGenerating(generate);
        var watch = Stopwatch.StartNew();
        await SendAsync(generate, tally);

        TestContext.Current.SendDiagnosticMessage($"{tally} in {watch.Elapsed.TotalSeconds:F1} s");
        await AssertAftermathAsync(tally, errors, memory);
    }

    // Generated and sent in a method of its own, so the requests (some are tens of megabytes) are garbage by the time
    // the aftermath measures the process's memory: what is left then is the gateway's.
    private async Task SendAsync(Func<HostileRequest[]> generate, HostileTally tally)
    {
        using var client = gateway.CreateRestClient(HostileSenders.Senders);
        await HostileSenders.SendAsync(client, generate(), tally);
    }

    // Generating a class's requests leaves memory in this process that is not the gateway's: about 128 MB for the
    // feedback class, the same after every generation. It is ArrayPool<char>.Shared keeping the 1M to 32M-character
    // buffers string.Join rented to build the huge test strings (measured: after one generation, renting each of those
    // sizes allocates nothing, and the bytes are all live large objects). The pool is the process's, so the class is
    // measured from what one throwaway generation left, and what remains after it is the gateway's.
    private static long MemoryAfterGenerating<T>(Func<T[]> generate)
    {
        _ = generate();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private async Task AssertAftermathAsync(HostileTally tally, int errorsBefore, long memoryBefore)
    {
        // Every check runs and every problem is reported together, so one run on a broken build shows them all.
        var problems = new List<string>();
        if (tally.Bad > 0)
        {
            problems.Add("bad answers (see below)");
        }

        using (var client = gateway.CreateRestClient(1))
        {
            using var live = await client.GetAsync("/v2/health/live", TestContext.Current.CancellationToken);
            if (!live.IsSuccessStatusCode)
            {
                problems.Add($"not live ({(int)live.StatusCode})");
            }
        }

        var (status, outputs, id) = await gateway.SendGoodAsync();
        if (status != 200 || outputs != gateway.GoodOutputs)
        {
            problems.Add($"the good request got {status} {outputs}, at the start 200 {gateway.GoodOutputs}");
        }

        await gateway.FlushPredictionLogAsync();
        if (status == 200 && !gateway.PredictionLogged(id))
        {
            problems.Add($"the prediction log did not write the good request {id}");
        }

        var folders = gateway.PredictionFolders();
        if (!folders.SequenceEqual(gateway.StartFolders))
        {
            problems.Add($"{folders.Count} prediction-log folders, {gateway.StartFolders.Count} at the start ({string.Join(", ", gateway.StartFolders)})");
        }

        // Closed connections leave Kestrel's side a moment later: allow a few seconds to settle.
        var descriptors = HostileGateway.OpenDescriptors();
        for (var wait = 0; wait < 50 && descriptors > gateway.StartDescriptors + DescriptorTolerance; wait++)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
            descriptors = HostileGateway.OpenDescriptors();
        }

        if (descriptors > gateway.StartDescriptors + DescriptorTolerance)
        {
            problems.Add($"{descriptors} open descriptors, {gateway.StartDescriptors} at the start (tolerance {DescriptorTolerance})");
        }

        // Pools the gateway leans on (Kestrel's block pool, the shared array pool) give memory back when idle, not at
        // once: a leak stays put, a pool does not. Allow them a few seconds, as for descriptors above.
        var memory = GC.GetTotalMemory(forceFullCollection: true);
        var start = Math.Max(gateway.StartMemory, memoryBefore);
        for (var wait = 0; wait < 20 && memory > start + MemoryBound; wait++)
        {
            await Task.Delay(500, TestContext.Current.CancellationToken);
            memory = GC.GetTotalMemory(forceFullCollection: true);
        }
        if (memory > start + MemoryBound)
        {
            problems.Add($"managed memory {memory >> 20} MB after a full collection, {start >> 20} MB before the class (bound +{MemoryBound >> 20} MB)");
        }

        if (gateway.Logs.Longest > LogLineBound)
        {
            problems.Add($"a log line of {gateway.Logs.Longest} characters (bound {LogLineBound}): {gateway.Logs.LongestHead}");
        }

        var errors = gateway.Logs.Errors - errorsBefore;
        if (errors > ErrorLogBound)
        {
            problems.Add($"{errors} error-level log entries (bound {ErrorLogBound})");
        }

        Assert.True(problems.Count == 0, $"after class {tally.Name}: {string.Join("; ", problems)}{Environment.NewLine}{tally}");
    }
}
