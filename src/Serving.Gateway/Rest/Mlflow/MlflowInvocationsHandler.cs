using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Gateway.Rest.Http;
using Serving.Gateway.Routing;

namespace Serving.Gateway.Rest.Mlflow;

/// <summary>
/// <c>POST /invocations</c>: route, decode against the routed version's signature, run on exactly that version,
/// encode. Columns are matched by name to the features of the version that serves: a canary may list the same
/// features in another order, and matching against any other version would silently feed it the wrong inputs.
/// </summary>
internal static class MlflowInvocationsHandler
{
    public static async Task HandleAsync(HttpContext context, IServiceProvider services)
    {
        var service = services.GetRequiredService<IInferenceService>();
        string? model = null;
        string? version = null;
        var inDataPlane = false;
        try
        {
            model = service.DefaultModel ?? throw NoDefaultModel(service);
            var format = MlflowContentType.Parse(context.Request.ContentType);

            // A caller may pin a version with the same header the answer names it in.
            var (pinned, routingKey) = RoutingHeaders.Read(context.Request.Headers);
            var route = service.Route(model, pinned, routingKey);
            version = route.Version;
            var inputs = await DecodeBodyAsync(context, services, format, route.Metadata).ConfigureAwait(false);
            var request = new InferenceRequest
            {
                ModelName = model,
                Inputs = inputs,
                Protocol = MlflowRequestDecoder.Protocol,
                Version = version,
                RoutedAs = route.Kind,
                RoutingKey = routingKey,
            };

            inDataPlane = true;
            var response = await service.InferAsync(request, context.RequestAborted).ConfigureAwait(false);
            await MlflowResponses.WritePredictionsAsync(context, response).ConfigureAwait(false);
        }
        catch (MlflowRequestException e) when (!context.Response.HasStarted)
        {
            Refused(context, model, version, ErrorStatus.KindOf(e.StatusCode));
            SetVersion(context, version);
            await (e.PlainText
                ? MlflowResponses.WritePlainTextAsync(context, e.StatusCode, e.Message)
                : MlflowResponses.WriteErrorAsync(context, e.StatusCode, e.ErrorCode, e.Message)).ConfigureAwait(false);
        }
        catch (InferenceException e) when (!context.Response.HasStarted)
        {
            if (e.Kind == InferenceErrorKind.Internal)
            {
                MlflowLog.ModelFailed(Logger(context), model, e);
            }

            // The data plane counted what reached it; routing and reading the body are counted here.
            if (!inDataPlane)
            {
                Refused(context, model, version, e.Kind);
            }
            else
            {
                version = e.ModelVersion ?? version;
            }

            SetVersion(context, version);
            var (status, code) = Map(e.Kind);
            await MlflowResponses.WriteErrorAsync(context, status, code, e.Message).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The caller went away; there is no one to answer.
        }
    }

    /// <summary>Counts a refusal before the data plane, under the version routing chose if it got that far.</summary>
    private static void Refused(HttpContext context, string? model, string? version, InferenceErrorKind kind) =>
        RefusedRequests.Count(context.RequestServices, model, version, MlflowRequestDecoder.Protocol, kind);

    /// <summary>Any answer after routing names the version, as a success does.</summary>
    private static void SetVersion(HttpContext context, string? version)
    {
        if (version is not null)
        {
            context.Response.Headers[MlflowHeaders.ModelVersion] = version;
        }
    }

    /// <summary>Reads the whole body into the pipe's own buffers (no second copy) and decodes it from there.</summary>
    private static async Task<Tensor[]> DecodeBodyAsync(HttpContext context, IServiceProvider services, MlflowBodyFormat format, ModelMetadata metadata)
    {
        var reader = context.Request.BodyReader;
        ReadResult read;
        try
        {
            while (true)
            {
                read = await reader.ReadAsync(context.RequestAborted).ConfigureAwait(false);
                if (read.IsCompleted || read.IsCanceled)
                {
                    break;
                }

                // Nothing consumed, everything examined: the next read waits for more bytes.
                reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
            }
        }
        catch (IOException e) when (RequestBody.IsRefusal(context.Request, e))
        {
            // Kestrel's MaxRequestBodySize surfaces here, while the body is read: 413 RESOURCE_EXHAUSTED;
            // bad framing (an overflowing chunk size) is 400 BAD_REQUEST.
            throw RequestBody.Refusal(context.Request, e);
        }
        catch (InvalidDataException e)
        {
            throw RequestBody.Undecodable(e);
        }

        try
        {
            var limits = services.GetRequiredService<IOptions<RequestLimits>>().Value;
            return MlflowRequestDecoder.DecodeInputs(read.Buffer, format, metadata, limits);
        }
        finally
        {
            reader.AdvanceTo(read.Buffer.End);
        }
    }

    private static (int Status, string Code) Map(InferenceErrorKind kind) => kind switch
    {
        InferenceErrorKind.BadRequest => (StatusCodes.Status400BadRequest, MlflowErrorCodes.BadRequest),
        InferenceErrorKind.NotFound => (StatusCodes.Status404NotFound, MlflowErrorCodes.ResourceDoesNotExist),
        InferenceErrorKind.Unavailable => (StatusCodes.Status503ServiceUnavailable, MlflowErrorCodes.TemporarilyUnavailable),
        InferenceErrorKind.PayloadTooLarge => (StatusCodes.Status413PayloadTooLarge, MlflowErrorCodes.ResourceExhausted),
        _ => (StatusCodes.Status500InternalServerError, MlflowErrorCodes.InternalError),
    };

    private static MlflowRequestException NoDefaultModel(IInferenceService service)
    {
        var names = service.ModelNames;
        var served = names.Count == 0
            ? "the gateway serves no models"
            : $"the gateway serves {names.Count} models ({string.Join(", ", names)}) and Serving:DefaultModel names none of them";
        return new MlflowRequestException(
            StatusCodes.Status404NotFound,
            MlflowErrorCodes.ResourceDoesNotExist,
            $"No model to serve at /invocations: {served}. Set Serving:DefaultModel, or call POST /v2/models/{{name}}/infer.");
    }

    private static ILogger Logger(HttpContext context) =>
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(MlflowInvocationsHandler).FullName!);
}
