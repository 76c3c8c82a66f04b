using Grpc.Core;

namespace Serving.Gateway.Tests.Grpc;

/// <summary>Server reflection, which grpcurl and similar tools use to discover the inference service.</summary>
public sealed class GrpcReflectionTests
{
    [Fact]
    public async Task Reflection_v1_lists_the_inference_and_health_services()
    {
        await using var host = await GrpcTestHost.StartAsync(new FakeInferenceService());
        using var call = new global::Grpc.Reflection.V1.ServerReflection.ServerReflectionClient(host.Channel)
            .ServerReflectionInfo(cancellationToken: TestContext.Current.CancellationToken);

        await call.RequestStream.WriteAsync(new() { ListServices = string.Empty }, TestContext.Current.CancellationToken);
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(TestContext.Current.CancellationToken));
        var names = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToArray();

        Assert.Contains("inference.GRPCInferenceService", names);
        Assert.Contains("grpc.health.v1.Health", names);
    }

    [Fact]
    public async Task Reflection_v1alpha_describes_the_spec_message_names()
    {
        await using var host = await GrpcTestHost.StartAsync(new FakeInferenceService());
        using var call = new global::Grpc.Reflection.V1Alpha.ServerReflection.ServerReflectionClient(host.Channel)
            .ServerReflectionInfo(cancellationToken: TestContext.Current.CancellationToken);

        await call.RequestStream.WriteAsync(
            new() { FileContainingSymbol = "inference.ModelInferRequest.InferInputTensor" },
            TestContext.Current.CancellationToken);
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(TestContext.Current.CancellationToken));
        var file = Google.Protobuf.Reflection.FileDescriptorProto.Parser.ParseFrom(
            call.ResponseStream.Current.FileDescriptorResponse.FileDescriptorProto[0]);

        Assert.Equal("inference", file.Package);
        Assert.Equal("GRPCInferenceService", Assert.Single(file.Service).Name);
    }
}
