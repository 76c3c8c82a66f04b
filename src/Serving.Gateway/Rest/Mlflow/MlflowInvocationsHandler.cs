using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serving.Core.Inference;

namespace Serving.Gateway.Rest.Mlflow;

/// <summary><c>POST /invocations</c>: decode, call the data plane with the default model, encode.</summary>
internal static class MlflowInvocationsHandler
{
    public static async Task HandleAsync(HttpContext context)
    {
        var service = context.RequestServices.GetRequiredService<IInferenceService>();
        string? model = null;
        try
        {
            model = service.DefaultModel ?? throw NoDefaultModel(service);
            var format = MlflowContentType.Parse(context.Request.ContentType);
            // A caller may pin a version with the same header the answer names it in.
            var pinned = context.Request.Headers[MlflowHeaders.ModelVersion].FirstOrDefault();
            var metadata = service.GetModelMetadata(model, pinned);
            var request = await DecodeBodyAsync(context, format, metadata).ConfigureAwait(false);
            var routingKey = context.Request.Headers[MlflowHeaders.RoutingKey].FirstOrDefault();
            if (pinned is not null || !string.IsNullOrEmpty(routingKey))
            {
                request = request with { Version = pinned, RoutingKey = string.IsNullOrEmpty(routingKey) ? null : routingKey };
            }

            var response = await service.InferAsync(request, context.RequestAborted).ConfigureAwait(false);
            await MlflowResponses.WritePredictionsAsync(context, response).ConfigureAwait(false);
        }
        catch (MlflowRequestException e) when (!context.Response.HasStarted)
        {
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

            var (status, code) = Map(e.Kind);
            await MlflowResponses.WriteErrorAsync(context, status, code, e.Message).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            // Kestrel's MaxRequestBodySize surfaces here as 413 while the body is read.
            var code = e.StatusCode == StatusCodes.Status413PayloadTooLarge ? MlflowErrorCodes.ResourceExhausted : MlflowErrorCodes.BadRequest;
            await MlflowResponses.WriteErrorAsync(context, e.StatusCode, code, e.Message).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The caller went away; there is no one to answer.
        }
    }

    /// <summary>Reads the whole body into the pipe's own buffers (no second copy) and decodes it from there.</summary>
    private static async Task<InferenceRequest> DecodeBodyAsync(HttpContext context, MlflowBodyFormat format, ModelMetadata metadata)
    {
        var reader = context.Request.BodyReader;
        ReadResult read;
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

        try
        {
            return MlflowRequestDecoder.Decode(read.Buffer, format, metadata);
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
