using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Serving.Gateway.Rest.Admin;

namespace Serving.Gateway.Tests.Rest.Admin;

/// <summary>
/// A change the gateway makes but cannot save (the data directory gone or full) answers as the change does, with a
/// <c>Serving-State-Unsaved</c> header saying where and why; a change that was saved carries no such header.
/// </summary>
public sealed class StateSaveNoticeTests
{
    [Fact]
    public async Task A_change_that_could_not_be_saved_says_so_in_its_answer_and_the_next_saved_one_does_not()
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var registry = AdminRegistry.Iris(2);
        var data = registry.Path + "-data";
        await using var host = await new AdminGatewayHost(registry.Path).StartAsync();
        using var http = FullKeyClient(host);

        try
        {
            // A file where the data directory was: no user can write the state under it, root included.
            Directory.Delete(data, recursive: true);
            await File.WriteAllTextAsync(data, "in the way", cancellation);
            using var unsaved = await http.PutAsync("/admin/models/iris/deployment", Body("""{"stable":1}"""), cancellation);
            using var served = await http.PostAsync("/v2/models/iris/infer", Body("""{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[5.1,3.5,1.4,0.2]}]}"""), cancellation);

            Assert.Equal(HttpStatusCode.OK, unsaved.StatusCode);
            var reason = Assert.Single(unsaved.Headers.GetValues(StateSaveNotice.HeaderName));
            Assert.Contains(Path.Combine(data, "deployments.json"), reason, StringComparison.Ordinal);
            Assert.Contains("\"model_version\":\"1\"", await served.Content.ReadAsStringAsync(cancellation), StringComparison.Ordinal);

            File.Delete(data);
            Directory.CreateDirectory(data);
            using var saved = await http.PutAsync("/admin/models/iris/deployment", Body("""{"stable":2}"""), cancellation);

            Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
            Assert.False(saved.Headers.Contains(StateSaveNotice.HeaderName));
            using var state = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(data, "deployments.json"), cancellation));
            var iris = state.RootElement.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("model").GetString() == "iris");
            Assert.Equal(2, iris.GetProperty("spec").GetProperty("stable").GetInt32());
        }
        finally
        {
            if (File.Exists(data))
            {
                File.Delete(data);
            }
        }
    }

    [Fact]
    public async Task A_refused_change_carries_no_notice()
    {
        using var registry = AdminRegistry.Iris(2);
        await using var host = await new AdminGatewayHost(registry.Path).StartAsync();
        using var http = FullKeyClient(host);

        using var refused = await http.PutAsync("/admin/models/iris/deployment", Body("""{"stable":9}"""), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.False(refused.Headers.Contains(StateSaveNotice.HeaderName));
    }

    [Theory]
    [InlineData("/var/lib/serving/deployments.json: No space left on device", "/var/lib/serving/deployments.json: No space left on device")]
    [InlineData("/data/é\r\nX-Injected: 1: denied", "/data/???X-Injected: 1: denied")]
    [InlineData("\t/tab\u0000", "?/tab?")]
    public void The_reason_becomes_a_header_value_of_printable_ascii(string reason, string expected) =>
        Assert.Equal(expected, StateSaveNotice.HeaderText(reason));

    [Fact]
    public void A_long_reason_is_cut()
    {
        var reason = "/" + new string('a', 2000);

        Assert.Equal(reason[..512], StateSaveNotice.HeaderText(reason));
    }

    private static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    // A plain client rather than AdminClient: these tests read the answer's headers.
    private static HttpClient FullKeyClient(AdminGatewayHost host)
    {
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{host.RestPort}"), Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminGatewayHost.FullKey);
        return http;
    }
}
