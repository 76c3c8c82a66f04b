using Grpc.Core;
using Serving.Core.Contracts;
using Serving.Core.Health;
using Serving.Core.Inference;
using Serving.Gateway.Grpc.Codecs;
using Serving.Gateway.Grpc.Protocol;
using Serving.Gateway.Routing;

namespace Serving.Gateway.Grpc;

/// <summary>The OIP v2 <c>inference.GRPCInferenceService</c>: decodes, calls the data plane, encodes.</summary>
/// <remarks>
/// Bound with <see cref="StrictRequestBinding"/>, so requests that do not parse are INVALID_ARGUMENT. The methods
/// are virtual because the framework binds a service's virtual methods of the type its bind method names (this
/// one, not the generated base class: see <see cref="StrictRequestBinding"/>). One instance serves every call.
/// </remarks>
[BindServiceMethod(typeof(StrictRequestBinding), nameof(StrictRequestBinding.BindService))]
public class GrpcInferenceService(IInferenceService inference, ReadinessProbe readiness)
{
    private static readonly Task<ServerLiveResponse> Live = Task.FromResult(new ServerLiveResponse { Live = true });

    /// <summary>Whether the server process is up: always, once it answers.</summary>
    public virtual Task<ServerLiveResponse> ServerLive(ServerLiveRequest request, ServerCallContext context) => Live;

    /// <summary>Whether the server can take inference requests (its readiness checks).</summary>
    public virtual Task<ServerReadyResponse> ServerReady(ServerReadyRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerReadyResponse { Ready = readiness.Check().Ready });

    /// <summary>Whether a model (or one of its versions) can take inference requests.</summary>
    public virtual Task<ModelReadyResponse> ModelReady(ModelReadyRequest request, ServerCallContext context)
    {
        RequireName(request.Name);
        return Task.FromResult(new ModelReadyResponse { Ready = inference.IsModelReady(request.Name, VersionOrNull(request.Version)) });
    }

    /// <summary>The server's name, version and extensions.</summary>
    public virtual Task<ServerMetadataResponse> ServerMetadata(ServerMetadataRequest request, ServerCallContext context)
    {
        var server = inference.Server;
        var response = new ServerMetadataResponse { Name = server.Name, Version = server.Version };
        response.Extensions.AddRange(server.Extensions);
        return Task.FromResult(response);
    }

    /// <summary>A model's versions, platform and tensor signature.</summary>
    public virtual Task<ModelMetadataResponse> ModelMetadata(ModelMetadataRequest request, ServerCallContext context)
    {
        RequireName(request.Name);
        var metadata = inference.GetModelMetadata(request.Name, VersionOrNull(request.Version));
        var response = new ModelMetadataResponse { Name = metadata.Name, Platform = metadata.Platform };
        response.Versions.AddRange(metadata.Versions);
        AddTensors(response.Inputs, metadata.Inputs);
        AddTensors(response.Outputs, metadata.Outputs);
        return Task.FromResult(response);
    }

    /// <summary>Runs one inference; the answer is written as a <c>ModelInferResponse</c> (<see cref="ModelInferAnswer"/>).</summary>
    public virtual async Task<ModelInferAnswer> ModelInfer(ModelInferRequest request, ServerCallContext context)
    {
        InferenceRequest decoded;
        try
        {
            decoded = WithRouting(GrpcTensorDecoder.Decode(request), context.GetHttpContext().Request.Headers);
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
            return ModelInferAnswer.For(response, GrpcTensorDecoder.UsesRawContents(request));
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
    /// <remarks>
    /// Read from the HTTP/2 request headers that carry the metadata: <see cref="ServerCallContext.RequestHeaders"/>
    /// would copy every header of every call into a new <see cref="Metadata"/> (lower-casing each key) to find two.
    /// </remarks>
    private static InferenceRequest WithRouting(InferenceRequest request, IHeaderDictionary headers)
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
