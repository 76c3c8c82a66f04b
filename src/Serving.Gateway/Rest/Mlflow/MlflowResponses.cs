using System.Buffers;
using System.Text;
using Microsoft.AspNetCore.Http;
using Serving.Core.Contracts;
using Serving.Core.Inference;

namespace Serving.Gateway.Rest.Mlflow;

/// <summary>Writes answers with Content-Length set, from a pooled buffer.</summary>
internal static class MlflowResponses
{
    public static async Task WritePredictionsAsync(HttpContext context, InferenceResponse response)
    {
        var http = context.Response;
        var buffer = MlflowJsonBuffer.Rent();
        try
        {
            MlflowResponseEncoder.Write(buffer.Writer, response);
            CopyJson(http, buffer, StatusCodes.Status200OK);
            http.Headers[MlflowHeaders.ModelVersion] = response.ModelVersion;
            http.Headers[MlflowHeaders.PredictionId] = response.Id;
        }
        finally
        {
            MlflowJsonBuffer.Return(buffer);
        }

        await http.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    public static async Task WriteErrorAsync(HttpContext context, int statusCode, string errorCode, string message)
    {
        var http = context.Response;
        var buffer = MlflowJsonBuffer.Rent();
        try
        {
            MlflowErrorWriter.Write(buffer.Writer, errorCode, message);
            CopyJson(http, buffer, statusCode);
        }
        finally
        {
            MlflowJsonBuffer.Return(buffer);
        }

        await http.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>MLflow answers an unsupported content type in plain text, not JSON.</summary>
    public static async Task WritePlainTextAsync(HttpContext context, int statusCode, string message)
    {
        var http = context.Response;
        var bytes = Encoding.UTF8.GetBytes(message);
        http.StatusCode = statusCode;
        http.ContentType = "text/plain; charset=utf-8";
        http.ContentLength = bytes.Length;
        await http.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
    }

    private static void CopyJson(HttpResponse http, MlflowJsonBuffer buffer, int statusCode)
    {
        var json = buffer.WrittenSpan;
        http.StatusCode = statusCode;
        http.ContentType = "application/json";
        http.ContentLength = json.Length;
        http.BodyWriter.Write(json);
    }
}
