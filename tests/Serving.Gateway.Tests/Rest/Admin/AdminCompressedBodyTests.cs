using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Serving.Gateway.Tests.Hosting;

namespace Serving.Gateway.Tests.Rest.Admin;

/// <summary>
/// Request decompression runs for every route, so a body labelled gzip or br that does not decompress reaches the
/// admin and repository readers too: a 400 <c>{"error": "..."}</c> there, as on the data plane, never a 500.
/// </summary>
public sealed class AdminCompressedBodyTests : IAsyncLifetime
{
    private readonly SampleRegistry _registry = AdminRegistry.Iris(1);
    private AdminGatewayHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await new AdminGatewayHost(_registry.Path).StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _registry.Dispose();
    }

    public static TheoryData<string, string, string> Routes()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var encoding in new[] { "gzip", "br" })
        {
            data.Add("PUT", "/admin/models/iris/deployment", encoding);
            data.Add("POST", "/admin/models/iris/rollout", encoding);
            data.Add("POST", "/admin/webhooks", encoding);
            data.Add("POST", "/admin/events", encoding);
            data.Add("POST", "/v2/repository/index", encoding);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task A_body_that_does_not_decompress_is_400_with_an_error(string method, string path, string encoding)
    {
        using var client = _host.CreateClient(AdminGatewayHost.FullKey);

        // A gzip header and then junk, or text that is not Brotli.
        byte[] bytes = encoding == "gzip" ? [0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0x03, .. "garbage"u8] : "not brotli, just text"u8.ToArray();
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        content.Headers.ContentEncoding.Add(encoding);
        var (status, body) = await client.SendAsync(new HttpMethod(method), path, content);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("could not be decompressed", body.GetProperty("error").GetString(), StringComparison.Ordinal);

        // Nothing changed: the deployment still serves version 1.
        var (_, deployment) = await client.GetAsync("/admin/models/iris/deployment");
        Assert.Equal(1, deployment.GetProperty("stable").GetInt32());
    }

    [Fact]
    public async Task A_compressed_body_that_decompresses_is_read()
    {
        using var client = _host.CreateClient(AdminGatewayHost.FullKey);
        using var packed = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(packed, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes("""{"ready":true}"""));
        }

        var content = new ByteArrayContent(packed.ToArray());
        content.Headers.ContentEncoding.Add("gzip");
        var (status, body) = await client.SendAsync(HttpMethod.Post, "/v2/repository/index", content);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("iris", body[0].GetProperty("name").GetString());
    }
}
