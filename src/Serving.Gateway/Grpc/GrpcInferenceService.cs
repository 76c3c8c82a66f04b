using Grpc.Core;
using Serving.Core.Contracts;
using Serving.Core.Health;
using Serving.Core.Inference;
using Serving.Gateway.Grpc.Codecs;
using Serving.Gateway.Grpc.Protocol;
using Serving.Gateway.Routing;

namespace Serving.Gateway.Grpc;

/// <summary>The OIP v2 <c>inference.GRPCInferenceService</c>: decodes, calls the data plane, encodes.</summary>
/// <remarks>Bound with <see cref="StrictRequestBinding"/>, so requests that do not parse are INVALID_ARGUMENT.</remarks>
[BindServiceMethod(typeof(StrictRequestBinding), nameof(StrictRequestBinding.BindService))]
public sealed class GrpcInferenceService(IInferenceService inference, ReadinessProbe readiness) : GRPCInferenceService.GRPCInferenceServiceBase
{
    private static readonly Task<ServerLiveResponse> Live = Task.FromResult(new ServerLiveResponse { Live = true });

    /// <inheritdoc />
    public override Task<ServerLiveResponse> ServerLive(ServerLiveRequest request, ServerCallContext context) => Live;

    /// <inheritdoc />
    public override Task<ServerReadyResponse> ServerReady(ServerReadyRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerReadyResponse { Ready = readiness.Check().Ready });

    /// <inheritdoc />
    public override Task<ModelReadyResponse> ModelReady(ModelReadyRequest request, ServerCallContext context)
    {
        RequireName(request.Name);
        return Task.FromResult(new ModelReadyResponse { Ready = inference.IsModelReady(request.Name, VersionOrNull(request.Version)) });
    }

    /// <inheritdoc />
    public override Task<ServerMetadataResponse> ServerMetadata(ServerMetadataRequest request, ServerCallContext context)
    {
        var server = inference.Server;
        var response = new ServerMetadataResponse { Name = server.Name, Version = server.Version };
        response.Extensions.AddRange(server.Extensions);
        return Task.FromResult(response);
    }

    /// <inheritdoc />
    public override Task<ModelMetadataResponse> ModelMetadata(ModelMetadataRequest request, ServerCallContext context)
    {
        RequireName(request.Name);
        var metadata = inference.GetModelMetadata(request.Name, VersionOrNull(request.Version));
        var response = new ModelMetadataResponse { Name = metadata.Name, Platform = metadata.Platform };
        response.Versions.AddRange(metadata.Versions);
        AddTensors(response.Inputs, metadata.Inputs);
        AddTensors(response.Outputs, metadata.Outputs);
        return Task.FromResult(response);
    }

    /// <inheritdoc />
    public override async Task<ModelInferResponse> ModelInfer(ModelInferRequest request, ServerCallContext context)
    {
        InferenceRequest decoded;
        try
        {
            decoded = WithRouting(GrpcTensorDecoder.Decode(request), context.RequestHeaders);
        }
        catch (Exception e)
        {
            // Refused before the data plane, which counts everything that reaches it.
            GrpcRefusals.Count(context.GetHttpContext(), request.ModelName, e is InferenceException inference ? inference.Kind : InferenceErrorKind.Internal);
            throw;
        }

        try
        {
            var response = await inference.InferAsync(decoded, context.CancellationToken).ConfigureAwait(false);
            return GrpcTensorEncoder.Encode(response, GrpcTensorDecoder.UsesRawContents(request));
        }
        catch (Exception)
        {
            // The data plane's observers counted it (an encoder failure after a success too, as served).
            GrpcRefusals.MarkCounted(context.GetHttpContext());
            throw;
        }
    }

    private static void RequireName(string name)
    {
        if (name.Length == 0)
        {
            throw InferenceException.BadRequest("name is required");
        }
    }

    private static string? VersionOrNull(string version) => version.Length == 0 ? null : version;

    /// <summary>
    /// Metadata does what REST headers do (<see cref="RoutingHeaders"/>): <c>x-routing-key</c> makes routing sticky,
    /// and <c>x-model-version</c> pins a version when the message's own model_version is empty.
    /// </summary>
    private static InferenceRequest WithRouting(InferenceRequest request, Metadata headers)
    {
        var (version, key) = RoutingHeaders.Read(headers);
        var pin = request.Version is null ? version : null;
        if (key is null && pin is null)
        {
            return request;
        }

        return request with { RoutingKey = key, Version = pin ?? request.Version };
    }

    private static void AddTensors(
        Google.Protobuf.Collections.RepeatedField<ModelMetadataResponse.Types.TensorMetadata> target,
        IReadOnlyList<TensorSpec> specs)
    {
        foreach (var spec in specs)
        {
            var tensor = new ModelMetadataResponse.Types.TensorMetadata { Name = spec.Name, Datatype = spec.Datatype };
            tensor.Shape.AddRange(spec.Shape);
            target.Add(tensor);
        }
    }
}
