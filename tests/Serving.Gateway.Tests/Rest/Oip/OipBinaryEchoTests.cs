using System.Net;
using System.Runtime.InteropServices;
using System.Text.Json;
using Serving.Core.Contracts;

namespace Serving.Gateway.Tests.Rest.Oip;

/// <summary>Binary tensor data for what the sample models do not take: BYTES, several inputs, JSON and binary mixed.</summary>
public sealed class OipBinaryEchoTests : IAsyncLifetime
{
    private OipEchoHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await OipEchoHost.StartAsync();

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    private async Task<(HttpResponseMessage Response, byte[] Body)> PostAsync(HttpContent content)
    {
        var response = await _host.Client.PostAsync("/v2/models/echo/infer", content, TestContext.Current.CancellationToken);
        return (response, await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Bytes_inputs_in_binary_come_back_as_the_same_strings_in_binary_and_in_json()
    {
        string[] cities = ["Paris", string.Empty, "São Paulo", "東京"];
        var bytes = BinaryTensorData.Strings(cities);
        var json = $$$"""{"inputs":[{"name":"city","shape":[4],"datatype":"BYTES","parameters":{"binary_data_size":{{{bytes.Length}}}}}]""";

        var asBinary = await PostAsync(BinaryTensorData.Content(json + ""","parameters":{"binary_data_output":true}}""", bytes));
        var asJson = await PostAsync(BinaryTensorData.Content(json + "}", bytes));

        Assert.Equal(HttpStatusCode.OK, asBinary.Response.StatusCode);
        var (head, outputs) = BinaryTensorData.Split(asBinary.Response, asBinary.Body);
        Assert.Equal(bytes.Length, head.GetProperty("outputs")[0].GetProperty("parameters").GetProperty("binary_data_size").GetInt32());
        Assert.Equal(cities, BinaryTensorData.ReadStrings(outputs["city"]));
        Assert.Equal(HttpStatusCode.OK, asJson.Response.StatusCode);
        var data = JsonDocument.Parse(asJson.Body).RootElement.GetProperty("outputs")[0].GetProperty("data");
        Assert.Equal(cities, data.EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Json_and_binary_inputs_mix_in_one_request_and_outputs_choose_each_their_own_form()
    {
        var json = """
            {"inputs":[
              {"name":"a","shape":[2,2],"datatype":"FP32","parameters":{"binary_data_size":16}},
              {"name":"b","shape":[3],"datatype":"INT32","data":[7,-8,9]},
              {"name":"c","shape":[2],"datatype":"BOOL","parameters":{"binary_data_size":2}}],
             "parameters":{"binary_data_output":true},
             "outputs":[{"name":"a","parameters":{"binary_data":false}},{"name":"b"},{"name":"c"}]}
            """;

        var (response, body) = await PostAsync(BinaryTensorData.Content(json, BinaryTensorData.Bytes<float>([0.5f, -1f, 1e-7f, 3f]), [1, 0]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var request = _host.Service.LastRequest!;
        Assert.Equal(["a", "b", "c"], request.Inputs.Select(i => i.Name));
        Assert.Equal([0.5f, -1f, 1e-7f, 3f], request.Inputs[0].AsSpan<float>().ToArray());
        Assert.Equal([7, -8, 9], request.Inputs[1].AsSpan<int>().ToArray());
        Assert.Equal(TensorDataType.Bool, request.Inputs[2].DataType);
        Assert.Equal([(byte)1, (byte)0], request.Inputs[2].Data);

        var (head, outputs) = BinaryTensorData.Split(response, body);
        Assert.Equal([0.5f, -1f, 1e-7f, 3f], head.GetProperty("outputs")[0].GetProperty("data").EnumerateArray().Select(v => v.GetSingle()));
        Assert.Equal(["b", "c"], outputs.Keys.Order());
        Assert.Equal([7, -8, 9], MemoryMarshal.Cast<byte, int>(outputs["b"]).ToArray());
        Assert.Equal([(byte)1, (byte)0], outputs["c"]);
    }
}
