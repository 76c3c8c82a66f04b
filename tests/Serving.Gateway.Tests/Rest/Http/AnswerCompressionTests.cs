using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Serving.Gateway.Rest.Http;
using Serving.Gateway.Tests.Hosting;
using Serving.Gateway.Tests.Rest.Oip;

namespace Serving.Gateway.Tests.Rest.Http;

/// <summary>Answers compressed when the client asks, over real HTTP: large ones in the encoding asked for, small ones never.</summary>
public sealed class AnswerCompressionTests(SampleGatewayFixture gateway) : IClassFixture<SampleGatewayFixture>
{
    private const string Infer = "/v2/models/breast-cancer/infer";
    private const int Rows = 64;

    private static string Body(int rows, string? parameters = null) =>
        $$"""{{{parameters}}"inputs":[{"name":"input","shape":[{{rows}},30],"datatype":"FP32","data":[{{string.Join(',', Enumerable.Range(0, rows).Select(r => BreastCancerRows.Json(r)[1..^1]))}}]}]}""";

    private async Task<(HttpResponseMessage Response, byte[] Body)> PostAsync(string json, string? acceptEncoding)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Infer) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (acceptEncoding is not null)
        {
            request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue(acceptEncoding));
        }

        var response = await gateway.Rest.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (response, await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
    }

    private static byte[] Decompress(string encoding, byte[] body)
    {
        using var input = new MemoryStream(body);
        using Stream decoder = encoding switch
        {
            "gzip" => new GZipStream(input, CompressionMode.Decompress),
            "deflate" => new ZLibStream(input, CompressionMode.Decompress),
            "br" => new BrotliStream(input, CompressionMode.Decompress),
            _ => throw new ArgumentOutOfRangeException(nameof(encoding), encoding, null),
        };
        using var output = new MemoryStream();
        decoder.CopyTo(output);
        return output.ToArray();
    }

    /// <summary>The answer's outputs as text, without its id (which differs from call to call).</summary>
    private static string Outputs(byte[] json) => JsonDocument.Parse(json).RootElement.GetProperty("outputs").GetRawText();

    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    [InlineData("br")]
    public async Task A_large_answer_comes_in_the_encoding_asked_for_and_decodes_to_the_plain_answer(string encoding)
    {
        var (plain, plainBody) = await PostAsync(Body(Rows), null);
        var (compressed, compressedBody) = await PostAsync(Body(Rows), encoding);

        Assert.Empty(plain.Content.Headers.ContentEncoding);
        Assert.True(plainBody.Length >= AnswerCompression.MinimumBytes, $"the plain answer has {plainBody.Length} bytes, too few to be compressed");
        Assert.Equal([encoding], compressed.Content.Headers.ContentEncoding);
        Assert.True(compressedBody.Length < plainBody.Length, $"{compressedBody.Length} compressed bytes against {plainBody.Length}");
        Assert.Equal(Outputs(plainBody), Outputs(Decompress(encoding, compressedBody)));
        Assert.Equal("application/json", compressed.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_single_row_answer_goes_out_plain_even_when_the_client_accepts_gzip()
    {
        var (response, body) = await PostAsync(Body(1), "gzip");

        Assert.Empty(response.Content.Headers.ContentEncoding);
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
        Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(body).RootElement.GetProperty("outputs").ValueKind);
    }

    [Fact]
    public async Task Binary_tensor_data_answers_are_compressed_whole_and_their_header_length_holds_after_decoding()
    {
        var (plain, plainBody) = await PostAsync(Body(Rows, "\"parameters\":{\"binary_data_output\":true},"), null);
        var (compressed, compressedBody) = await PostAsync(Body(Rows, "\"parameters\":{\"binary_data_output\":true},"), "gzip");

        Assert.Equal(["gzip"], compressed.Content.Headers.ContentEncoding);
        var decoded = Decompress("gzip", compressedBody);
        Assert.Equal(plainBody.Length, decoded.Length);
        var jsonLength = int.Parse(compressed.Headers.GetValues(BinaryTensorData.Header).Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(plain.Headers.GetValues(BinaryTensorData.Header).Single(), jsonLength.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(plainBody.AsSpan(jsonLength).ToArray(), decoded.AsSpan(jsonLength).ToArray());
        Assert.Equal(Outputs(plainBody.AsSpan(0, jsonLength).ToArray()), Outputs(decoded.AsSpan(0, jsonLength).ToArray()));
    }

    [Fact]
    public async Task Metrics_are_compressed_for_a_scraper_that_asks()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        var response = await gateway.Rest.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(["gzip"], response.Content.Headers.ContentEncoding);
        var text = Encoding.UTF8.GetString(Decompress("gzip", await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken)));
        Assert.Contains("# TYPE serving_requests_total counter", text, StringComparison.Ordinal);
    }
}
