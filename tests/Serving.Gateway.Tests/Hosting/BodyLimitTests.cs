using System.Net;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Serving.Gateway.Grpc.Protocol;

namespace Serving.Gateway.Tests.Hosting;

/// <summary>Kestrel:Limits:MaxRequestBodySize from configuration applies to every protocol of the real gateway.</summary>
public sealed class BodyLimitTests : BodyLimitedGateway
{
    [Fact]
    public async Task An_oip_body_over_the_limit_is_413_in_oip_error_format_and_a_small_one_still_serves()
    {
        using var client = Host.CreateRestClient();

        var big = await client.PostAsync("/v2/models/iris/infer", new StringContent(IrisRows(400), Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        var small = await client.PostAsync("/v2/models/iris/infer", new StringContent(IrisRows(2), Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, big.StatusCode);
        var error = JsonDocument.Parse(await big.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("error").GetString();
        Assert.Contains("MaxRequestBodySize", error, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, small.StatusCode);
    }

    [Fact]
    public async Task A_binary_tensor_body_over_the_limit_gets_the_same_413_as_json()
    {
        using var client = Host.CreateRestClient();
        var binary = Rest.Oip.BinaryTensorData.Content(
            """{"inputs":[{"name":"input","shape":[400,4],"datatype":"FP32","parameters":{"binary_data_size":6400}}]}""", new byte[6400]);

        var json = await client.PostAsync("/v2/models/iris/infer", new StringContent(IrisRows(400), Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        var big = await client.PostAsync("/v2/models/iris/infer", binary, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, big.StatusCode);
        Assert.Equal(
            await json.Content.ReadAsStringAsync(TestContext.Current.CancellationToken),
            await big.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task An_mlflow_body_over_the_limit_is_413_in_mlflow_error_format()
    {
        using var client = Host.CreateRestClient();
        var csv = "sepal length (cm),sepal width (cm),petal length (cm),petal width (cm)\n" + string.Join('\n', Enumerable.Repeat("5.1,3.5,1.4,0.2", 400));

        var response = await client.PostAsync("/invocations", new StringContent(csv, Encoding.UTF8, "text/csv"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal("RESOURCE_EXHAUSTED", body.GetProperty("error_code").GetString());
    }

    [Fact]
    public async Task A_grpc_message_over_the_limit_is_resource_exhausted()
    {
        using var channel = GrpcChannel.ForAddress(Host.GrpcUri);
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
        var request = new ModelInferRequest
        {
            ModelName = "iris",
            Inputs = { new ModelInferRequest.Types.InferInputTensor { Name = "input", Datatype = "FP32", Shape = { 400, 4 } } },
            RawInputContents = { ByteString.CopyFrom(new byte[400 * 4 * 4]) },
        };

        var error = await Assert.ThrowsAsync<RpcException>(() => client.ModelInferAsync(request, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }
}
