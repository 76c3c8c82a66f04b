using Grpc.Core;
using Serving.Gateway.Grpc.Protocol;
using Serving.Gateway.Tests.Rest.Admin;
using static Serving.Gateway.Tests.Grpc.Codecs.GrpcRequests;

namespace Serving.Gateway.Tests.Grpc;

/// <summary>
/// Megabyte names never come back whole: the status message stays short (a client cannot read trailers over
/// about 64 KB, and that call and the next one on the channel would hang), and the log lines stay short too.
/// </summary>
public sealed class GrpcHostileNameTests
{
    // Far over what any HTTP/2 client reads in trailers (16-64 KB).
    private static readonly string Huge = new('n', 2 * 1024 * 1024);

    private readonly FakeInferenceService inference = new();

    public static TheoryData<string> Cases => ["model name", "model version", "input name", "datatype", "metadata name", "ready name"];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_huge_name_gets_a_short_status_and_the_channel_keeps_serving(string where)
    {
        var logs = new CapturedLogs();
        await using var host = await GrpcTestHost.StartAsync(inference, logs: logs);
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(host.Channel);

        var error = await Assert.ThrowsAsync<RpcException>(() => HostileCall(client, where));

        Assert.True(
            error.StatusCode is StatusCode.InvalidArgument or StatusCode.NotFound,
            $"{where}: {error.StatusCode} {error.Status.Detail[..Math.Min(200, error.Status.Detail.Length)]}");
        Assert.InRange(error.Status.Detail.Length, 1, 1100);

        // The next good call on the same channel answers at once.
        var good = Typed(Input("x", "FP32", [1, 2], new() { Fp32Contents = { 1f, 2f } }));
        good.ModelName = "doubler";
        var response = await client.ModelInferAsync(good, deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal([2f, 4f], response.Outputs[0].Contents.Fp32Contents);

        var longest = logs.Lines.MaxBy(l => l.Length) ?? string.Empty;
        Assert.True(longest.Length < 4096, $"a {longest.Length}-character log line: {longest[..Math.Min(200, longest.Length)]}");
    }

    [Fact]
    public async Task Codec_messages_cut_the_callers_names_with_a_marker()
    {
        await using var host = await GrpcTestHost.StartAsync(inference);
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(host.Channel);
        var request = Typed(Input("x" + Huge, "FP32", [1, 2], new() { Fp32Contents = { 1f } }));
        request.ModelName = "doubler";

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.ModelInferAsync(request, deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains($"...({Huge.Length + 1 - 64} more characters)", error.Status.Detail, StringComparison.Ordinal);
        Assert.True(error.Status.Detail.Length < 300, error.Status.Detail);
    }

    private static async Task HostileCall(GRPCInferenceService.GRPCInferenceServiceClient client, string where)
    {
        // Long enough for a well-behaved server to answer; a hanging channel ends here with DEADLINE_EXCEEDED.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        var token = TestContext.Current.CancellationToken;
        switch (where)
        {
            case "metadata name":
                await client.ModelMetadataAsync(new ModelMetadataRequest { Name = Huge }, deadline: deadline, cancellationToken: token);
                return;
            case "ready name":
                await client.ModelReadyAsync(new ModelReadyRequest { Name = Huge }, deadline: deadline, cancellationToken: token);
                return;
        }

        var request = Typed(Input(where == "input name" ? Huge : "x", where == "datatype" ? Huge : "FP32", [1, 2], new() { Fp32Contents = { 1f, 2f } }));
        request.ModelName = where == "model name" ? Huge : "doubler";
        request.ModelVersion = where == "model version" ? Huge : string.Empty;
        if (where == "input name")
        {
            // The shape promises more values than are sent, so the decoder names the input.
            request.Inputs[0].Shape[0] = 2;
        }

        await client.ModelInferAsync(request, deadline: deadline, cancellationToken: token);
    }
}
