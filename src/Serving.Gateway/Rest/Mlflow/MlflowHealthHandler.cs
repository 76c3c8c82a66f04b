using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Serving.Core.Contracts;
using Serving.Core.Inference;

namespace Serving.Gateway.Rest.Mlflow;

/// <summary><c>GET /ping</c> and <c>GET /health</c>: 200 while the model <c>/invocations</c> serves is ready, else 503.</summary>
internal static class MlflowHealthHandler
{
    public static Task HandleAsync(HttpContext context)
    {
        var service = context.RequestServices.GetRequiredService<IInferenceService>();
        var model = service.DefaultModel;
        if (model is null)
        {
            return MlflowResponses.WriteErrorAsync(
                context,
                StatusCodes.Status503ServiceUnavailable,
                MlflowErrorCodes.TemporarilyUnavailable,
                "No model to serve at /invocations: set Serving:DefaultModel when the gateway serves several models.");
        }

        bool ready;
        try
        {
            ready = service.IsModelReady(model, null);
        }
        catch (InferenceException)
        {
            // A configured default that does not exist is simply not ready.
            ready = false;
        }

        if (!ready)
        {
            return MlflowResponses.WriteErrorAsync(
                context,
                StatusCodes.Status503ServiceUnavailable,
                MlflowErrorCodes.TemporarilyUnavailable,
                $"Model '{model}' is not ready.");
        }

        // MLflow answers a healthy ping with a bare newline as application/json; probes only read the status.
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = 1;
        return context.Response.Body.WriteAsync("\n"u8.ToArray(), context.RequestAborted).AsTask();
    }
}
