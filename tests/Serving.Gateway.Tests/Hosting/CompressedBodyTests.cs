using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Serving.Gateway.Tests.Hosting;

/// <summary>
/// Request bodies sent with Content-Encoding gzip, deflate or br (as tritonclient's request_compression_algorithm
/// sends them) are decompressed for OIP and MLflow alike; a body that does not decompress is a 400 in the protocol's
/// format, and Kestrel:Limits:MaxRequestBodySize counts the decompressed bytes, so a small bomb is a 413.
/// </summary>
public sealed class CompressedBodyTests : BodyLimitedGateway
{
    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    [InlineData("br")]
    public Task A_compressed_oip_body_gets_the_same_answer_as_a_plain_one(string encoding) =>
        AssertSameAnswer(
            "/v2/models/iris/infer",
            new StringContent(IrisRows(3), Encoding.UTF8, "application/json"),
            Compressed(Encoding.UTF8.GetBytes(IrisRows(3)), encoding, "application/json"));

    [Fact]
    public async Task A_compressed_binary_tensor_body_is_read_like_a_plain_one()
    {
        var plain = Rest.Oip.BinaryTensorData.Content(
            """{"id":"fixed","inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","parameters":{"binary_data_size":16}}]}""",
            Rest.Oip.BinaryTensorData.Bytes<float>([5.1f, 3.5f, 1.4f, 0.2f]));
        var packed = Compressed(await plain.ReadAsByteArrayAsync(TestContext.Current.CancellationToken), "gzip", "application/octet-stream");
        packed.Headers.Add("Inference-Header-Content-Length", plain.Headers.GetValues("Inference-Header-Content-Length").Single());

        await AssertSameAnswer("/v2/models/iris/infer", plain, packed);
    }

    private const string MlflowCsv = "sepal length (cm),sepal width (cm),petal length (cm),petal width (cm)\n5.1,3.5,1.4,0.2\n6.2,2.9,4.3,1.3";

    [Fact]
    public Task A_compressed_mlflow_body_is_decompressed_too() =>
        AssertSameAnswer(
            "/invocations",
            new StringContent(MlflowCsv, Encoding.UTF8, "text/csv"),
            Compressed(Encoding.UTF8.GetBytes(MlflowCsv), "deflate", "text/csv"));

    // Brotli reports bad data as InvalidOperationException, GZip and Deflate as InvalidDataException: both are a 400.
    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    [InlineData("br")]
    public async Task A_body_that_does_not_decompress_is_400_in_each_protocols_format_and_the_gateway_keeps_serving(string encoding)
    {
        using var client = Host.CreateRestClient();
        var garbage = Encoding.UTF8.GetBytes($"this is not {encoding} at all, just text with a {encoding} label");

        var oip = await client.PostAsync("/v2/models/iris/infer", Labelled(garbage, encoding, "application/json"), TestContext.Current.CancellationToken);
        var mlflow = await client.PostAsync("/invocations", Labelled(garbage, encoding, "application/json"), TestContext.Current.CancellationToken);
        var feedback = await client.PostAsync("/monitoring/feedback", Labelled(garbage, encoding, "application/json"), TestContext.Current.CancellationToken);
        var after = await client.PostAsync("/v2/models/iris/infer", new StringContent(IrisRows(1), Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, oip.StatusCode);
        Assert.Contains("decompress", await MemberAsync(oip, "error"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, mlflow.StatusCode);
        Assert.Contains("decompress", await MemberAsync(mlflow, "message"), StringComparison.Ordinal);
        Assert.Equal("BAD_REQUEST", await MemberAsync(mlflow, "error_code"));
        Assert.Equal(HttpStatusCode.BadRequest, feedback.StatusCode);
        Assert.Contains("decompress", await MemberAsync(feedback, "error"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    // .NET's GZipStream takes a body that stops after the deflate data (or inside the 8-byte trailer) as complete.
    [Theory]
    [InlineData(8)]
    [InlineData(4)]
    [InlineData(1)]
    public async Task A_gzip_body_without_its_whole_trailer_is_400_in_each_protocols_format(int cut)
    {
        using var client = Host.CreateRestClient();
        var oipBody = Gzip(Encoding.UTF8.GetBytes(IrisRows(1)))[..^cut];
        var mlflowBody = Gzip(Encoding.UTF8.GetBytes(MlflowCsv))[..^cut];

        var oip = await client.PostAsync("/v2/models/iris/infer", Labelled(oipBody, "gzip", "application/json"), TestContext.Current.CancellationToken);
        var mlflow = await client.PostAsync("/invocations", Labelled(mlflowBody, "gzip", "text/csv"), TestContext.Current.CancellationToken);
        var feedback = await client.PostAsync("/monitoring/feedback", Labelled(Gzip("{}"u8.ToArray())[..^cut], "gzip", "application/json"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, oip.StatusCode);
        Assert.Contains("the gzip body is truncated or corrupt", await MemberAsync(oip, "error"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, mlflow.StatusCode);
        Assert.Contains("the gzip body is truncated or corrupt", await MemberAsync(mlflow, "message"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, feedback.StatusCode);
        Assert.Contains("the gzip body is truncated or corrupt", await MemberAsync(feedback, "error"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gzip_body_of_two_members_is_read_whole()
    {
        var body = Encoding.UTF8.GetBytes(IrisRows(3));
        var half = body.Length / 2;
        var packed = Labelled([.. Gzip(body[..half]), .. Gzip(body[half..])], "gzip", "application/json");

        await AssertSameAnswer("/v2/models/iris/infer", new StringContent(IrisRows(3), Encoding.UTF8, "application/json"), packed);
    }

    [Fact]
    public async Task A_small_body_that_decompresses_past_the_limit_is_413()
    {
        using var client = Host.CreateRestClient();
        var body = Encoding.UTF8.GetBytes(IrisRows(400));
        var packed = Compressed(body, "gzip", "application/json");
        Assert.True(body.Length > Limit && packed.Headers.ContentLength < Limit, $"{body.Length} bytes packed into {packed.Headers.ContentLength}");

        var response = await client.PostAsync("/v2/models/iris/infer", packed, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.True(JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.TryGetProperty("error", out _));
    }

    /// <summary>Posts both bodies to <paramref name="path"/>: each is served, with the same answer.</summary>
    private async Task AssertSameAnswer(string path, HttpContent plain, HttpContent packed)
    {
        using var client = Host.CreateRestClient();

        var expected = await client.PostAsync(path, plain, TestContext.Current.CancellationToken);
        var actual = await client.PostAsync(path, packed, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, expected.StatusCode);
        Assert.Equal(HttpStatusCode.OK, actual.StatusCode);
        Assert.Equal(
            await expected.Content.ReadAsStringAsync(TestContext.Current.CancellationToken),
            await actual.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    private static async Task<string?> MemberAsync(HttpResponseMessage response, string member)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return JsonDocument.Parse(text).RootElement.TryGetProperty(member, out var value) ? value.GetString() : $"no '{member}' in {text}";
    }

    private static ByteArrayContent Compressed(byte[] body, string encoding, string contentType)
    {
        using var buffer = new MemoryStream();
        using (Stream compressor = encoding switch
        {
            "gzip" => new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true),
            "deflate" => new ZLibStream(buffer, CompressionLevel.Optimal, leaveOpen: true),
            _ => new BrotliStream(buffer, CompressionLevel.Optimal, leaveOpen: true),
        })
        {
            compressor.Write(body);
        }

        return Labelled(buffer.ToArray(), encoding, contentType);
    }

    private static byte[] Gzip(byte[] body)
    {
        using var buffer = new MemoryStream();
        using (var compressor = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            compressor.Write(body);
        }

        return buffer.ToArray();
    }

    private static ByteArrayContent Labelled(byte[] body, string encoding, string contentType)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        content.Headers.ContentEncoding.Add(encoding);
        content.Headers.ContentLength = body.Length;
        return content;
    }
}
