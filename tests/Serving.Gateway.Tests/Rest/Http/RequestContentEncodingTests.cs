using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Serving.Gateway.Tests.Hosting;

namespace Serving.Gateway.Tests.Rest.Http;

/// <summary>
/// A request body in a content coding the gateway does not decode is 415 in each protocol's error format, naming the
/// coding and the supported ones (RFC 9110 §8.4.1), where it used to be read as identity and called malformed JSON.
/// </summary>
public sealed class RequestContentEncodingTests : BodyLimitedGateway
{
    private const string Supported = "identity, br, deflate, gzip";

    private const string MlflowRows =
        """{"dataframe_split":{"columns":["sepal length (cm)","sepal width (cm)","petal length (cm)","petal width (cm)"],"data":[[5.1,3.5,1.4,0.2]]}}""";

    [Theory]
    [InlineData("zstd")]
    [InlineData("compress")]
    public async Task An_unknown_coding_is_415_in_each_protocols_format(string encoding)
    {
        using var client = Host.CreateRestClient();

        var oip = await PostAsync(client, "/v2/models/iris/infer", IrisRows(1), encoding);
        var mlflow = await PostAsync(client, "/invocations", MlflowRows, encoding);
        var feedback = await PostAsync(client, "/monitoring/feedback", "{}", encoding);
        var admin = await PostAsync(client, "/admin/models/iris/rollout", "{}", encoding);
        var index = await PostAsync(client, "/v2/repository/index", "{}", encoding);

        foreach (var response in new[] { oip, feedback, admin, index })
        {
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
            Assert.Equal($"the request body's Content-Encoding '{encoding}' is not supported; send one of: {Supported}", await MemberAsync(response, "error"));
            Assert.Equal(Supported, string.Join(", ", response.Headers.GetValues("Accept-Encoding")));
        }

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, mlflow.StatusCode);
        Assert.Equal("BAD_REQUEST", await MemberAsync(mlflow, "error_code"));
        Assert.Equal($"the request body's Content-Encoding '{encoding}' is not supported; send one of: {Supported}", await MemberAsync(mlflow, "message"));
    }

    [Fact]
    public async Task A_stacked_list_of_codings_is_415_too()
    {
        using var client = Host.CreateRestClient();

        var oip = await PostAsync(client, "/v2/models/iris/infer", IrisRows(1), "gzip", "gzip");
        var mlflow = await PostAsync(client, "/invocations", MlflowRows, "gzip", "gzip");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, oip.StatusCode);
        Assert.Contains("'gzip, gzip' stacks several codings", await MemberAsync(oip, "error"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, mlflow.StatusCode);
        Assert.Contains("'gzip, gzip' stacks several codings", await MemberAsync(mlflow, "message"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("identity")]
    [InlineData("IDENTITY")]
    [InlineData(null)]
    public async Task Identity_or_no_coding_is_served(string? encoding)
    {
        using var client = Host.CreateRestClient();

        var oip = await PostAsync(client, "/v2/models/iris/infer", IrisRows(1), encoding is null ? [] : [encoding]);
        var mlflow = await PostAsync(client, "/invocations", MlflowRows, encoding is null ? [] : [encoding]);

        Assert.Equal(HttpStatusCode.OK, oip.StatusCode);
        Assert.Equal(HttpStatusCode.OK, mlflow.StatusCode);
    }

    [Fact]
    public async Task A_request_without_a_body_is_not_refused_for_its_coding_header()
    {
        using var client = Host.CreateRestClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v2/models/iris");
        request.Content = new ByteArrayContent([]);
        request.Content.Headers.ContentEncoding.Add("zstd");
        request.Content.Headers.ContentLength = 0;

        var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string path, string json, params string[] encodings)
    {
        var content = new StringContent(json, Encoding.UTF8, "application/json");
        foreach (var encoding in encodings)
        {
            content.Headers.ContentEncoding.Add(encoding);
        }

        return client.PostAsync(path, content, TestContext.Current.CancellationToken);
    }

    private static async Task<string?> MemberAsync(HttpResponseMessage response, string member)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return JsonDocument.Parse(text).RootElement.TryGetProperty(member, out var value) ? value.GetString() : $"no '{member}' in {text}";
    }
}
