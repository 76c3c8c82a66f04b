using System.Globalization;
using System.Text;
using System.Text.Json;
using Serving.Gateway.Grpc.Protocol;
using Serving.Gateway.Tests.Hosting;

namespace Serving.Gateway.Tests.Lifecycle;

/// <summary>One breast-cancer row as each protocol sends it.</summary>
internal static class LifecycleRequests
{
    public const string Model = "breast-cancer";

    public static HttpRequestMessage Oip(int row, string? routingKey = null)
    {
        var body = $$"""{"inputs":[{"name":"input","shape":[1,30],"datatype":"FP32","data":{{BreastCancerRows.Json(row % BreastCancerRows.Count)}}}]}""";
        var request = new HttpRequestMessage(HttpMethod.Post, $"/v2/models/{Model}/infer") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (routingKey is not null)
        {
            request.Headers.Add("X-Routing-Key", routingKey);
        }

        return request;
    }

    public static HttpRequestMessage Mlflow(int row, string routingKey)
    {
        var header = string.Join(',', BreastCancerRows.FeatureNames);
        var values = string.Join(',', BreastCancerRows.Row(row % BreastCancerRows.Count).Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
        var request = new HttpRequestMessage(HttpMethod.Post, "/invocations") { Content = new StringContent(header + "\n" + values, Encoding.UTF8, "text/csv") };
        request.Headers.Add("X-Routing-Key", routingKey);
        return request;
    }

    public static ModelInferRequest Grpc(int row)
    {
        var input = new ModelInferRequest.Types.InferInputTensor { Name = "input", Datatype = "FP32", Shape = { 1, 30 }, Contents = new InferTensorContents() };
        input.Contents.Fp32Contents.AddRange(BreastCancerRows.Row(row % BreastCancerRows.Count));
        return new ModelInferRequest { ModelName = Model, Inputs = { input } };
    }

    /// <summary>The served version from an OIP REST answer: the header, checked against the body's model_version.</summary>
    public static async Task<string> OipVersionAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var header = response.Headers.GetValues("X-Model-Version").Single();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        var field = body.RootElement.GetProperty("model_version").GetString();
        return header == field ? header : throw new InvalidOperationException($"X-Model-Version {header} but model_version {field}");
    }
}
