using Serving.Gateway.Grpc.Protocol;
using Serving.Gateway.Tests.Rest.Admin;

namespace Serving.Gateway.Tests.Grpc;

/// <summary>
/// Bytes that are not the method's protobuf message, sent by hand over HTTP/2: every method answers
/// INVALID_ARGUMENT (never UNKNOWN), and the log says so at most once a minute, without a stack trace.
/// </summary>
public sealed class GrpcUndecodableRequestTests
{
    private static readonly string[] Methods = ["ModelInfer", "ModelMetadata", "ModelReady", "ServerMetadata", "ServerLive", "ServerReady"];

    private static readonly string[] NamedMethods = ["ModelInfer", "ModelMetadata", "ModelReady"];

    /// <summary>Message bodies that no protobuf parser accepts, whatever the message type.</summary>
    private static readonly Dictionary<string, byte[]> Garbage = new()
    {
        ["truncated varint"] = RawGrpcCall.Frame([0xFF, 0xFF, 0xFF]),
        ["wire type 7"] = RawGrpcCall.Frame([0x0F, 0x01]),
        ["length past the end"] = RawGrpcCall.Frame([0x0A, 0x7F, 0x61]),
        ["random bytes"] = RawGrpcCall.Frame([0x8B, 0xFF, 0x13, 0x07, 0xEE, 0x99, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
        ["compressed flag 2"] = RawGrpcCall.Frame([0x0A, 0x01, 0x61], flag: 2),
        ["compressed without an encoding"] = RawGrpcCall.Frame([0x1F, 0x8B, 0x00], flag: 1),
    };

    /// <summary>Field 1 (every named request's name) holding bytes that are not UTF-8.</summary>
    private static readonly Dictionary<string, byte[]> NotUtf8 = new()
    {
        ["a cut two-byte sequence"] = [0xC3, 0x28],
        ["an encoded lone surrogate"] = [0xED, 0xA0, 0x80],
        ["an overlong slash"] = [0xC0, 0xAF],
        ["a bare continuation byte"] = [0x61, 0x80, 0x62],
    };

    private readonly FakeInferenceService inference = new();

    public static TheoryData<string, string> GarbageCases() =>
        new(Methods.SelectMany(m => Garbage.Keys.Select(g => (m, g))));

    public static TheoryData<string, string> NotUtf8Cases() =>
        new(NamedMethods.SelectMany(m => NotUtf8.Keys.Select(g => (m, g))));

    [Theory]
    [MemberData(nameof(GarbageCases))]
    public async Task Garbage_is_INVALID_ARGUMENT_on_every_method(string method, string garbage)
    {
        await using var host = await GrpcTestHost.StartAsync(inference);

        var (status, message) = await RawGrpcCall.SendAsync(host.Address, method, Garbage[garbage]);

        Assert.Equal("3", status);
        Assert.InRange(message.Length, 1, 300);
        Assert.Null(inference.LastRequest);
    }

    [Theory]
    [MemberData(nameof(NotUtf8Cases))]
    public async Task A_name_that_is_not_UTF8_is_INVALID_ARGUMENT(string method, string bytes)
    {
        await using var host = await GrpcTestHost.StartAsync(inference);
        var name = NotUtf8[bytes];

        var (status, message) = await RawGrpcCall.SendAsync(host.Address, method, RawGrpcCall.Frame([0x0A, (byte)name.Length, .. name]));

        Assert.Equal("3", status);
        Assert.InRange(message.Length, 1, 300);
    }

    [Theory]
    [InlineData("/grpc.health.v1.Health/Check", "random bytes")]
    [InlineData("/grpc.health.v1.Health/Check", "compressed flag 2")]
    [InlineData("/grpc.health.v1.Health/Watch", "truncated varint")]
    [InlineData("/grpc.reflection.v1.ServerReflection/ServerReflectionInfo", "random bytes")]
    [InlineData("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", "wire type 7")]
    public async Task Garbage_to_the_health_and_reflection_services_is_INVALID_ARGUMENT_too(string path, string garbage)
    {
        var logs = new CapturedLogs();
        await using var host = await GrpcTestHost.StartAsync(inference, logs: logs);

        var (status, message) = await RawGrpcCall.SendAsync(host.Address, path, Garbage[garbage]);

        Assert.Equal("3", status);
        Assert.InRange(message.Length, 1, 300);
        Assert.DoesNotContain(logs.Lines, l => l.Contains("   at ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("application/json", "Content-Type 'application/json' is not supported")]
    [InlineData("application/grpc", "grpc-encoding")]
    public async Task The_framework_s_reason_stays_in_the_message(string contentType, string reason)
    {
        await using var host = await GrpcTestHost.StartAsync(inference);
        var body = contentType == "application/grpc" ? Garbage["compressed without an encoding"] : Garbage["random bytes"];

        var (status, message) = await RawGrpcCall.SendAsync(host.Address, "ModelInfer", body, contentType);

        Assert.Equal("3", status);
        Assert.StartsWith("the request could not be read as one protobuf message", message, StringComparison.Ordinal);
        Assert.Contains(reason, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_input_name_that_is_not_UTF8_is_INVALID_ARGUMENT()
    {
        await using var host = await GrpcTestHost.StartAsync(inference);

        // model_name "doubler", then inputs (field 5) holding name (field 1) = C3 28.
        byte[] input = [0x0A, 0x02, 0xC3, 0x28];
        byte[] message = [0x0A, 0x07, .. "doubler"u8, 0x2A, (byte)input.Length, .. input];
        var (status, _) = await RawGrpcCall.SendAsync(host.Address, "ModelInfer", RawGrpcCall.Frame(message));

        Assert.Equal("3", status);
        Assert.Null(inference.LastRequest);
    }

    [Fact]
    public async Task Many_undecodable_calls_log_one_warning_without_a_stack_trace_and_the_server_keeps_serving()
    {
        var logs = new CapturedLogs();
        await using var host = await GrpcTestHost.StartAsync(inference, logs: logs);

        for (var i = 0; i < 25; i++)
        {
            var (status, _) = await RawGrpcCall.SendAsync(host.Address, Methods[i % Methods.Length], Garbage["random bytes"]);
            Assert.Equal("3", status);
        }

        var reply = await new GRPCInferenceService.GRPCInferenceServiceClient(host.Channel)
            .ServerLiveAsync(new ServerLiveRequest(), deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(reply.Live);

        var lines = logs.Lines.Where(l => !l.Contains(" scope: ", StringComparison.Ordinal)).ToArray();
        Assert.DoesNotContain(lines, l => l.Contains(" Error: ", StringComparison.Ordinal) || l.Contains(" Critical: ", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("   at ", StringComparison.Ordinal));
        var refusals = lines.Where(l => l.StartsWith("Serving.Gateway.Grpc.GrpcRefusalLog ", StringComparison.Ordinal)).ToArray();
        var single = Assert.Single(refusals);
        Assert.Contains("Warning", single, StringComparison.Ordinal);
    }
}
